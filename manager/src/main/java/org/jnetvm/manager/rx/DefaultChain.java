package org.jnetvm.manager.rx;

import org.jnetvm.core.table.ChainTable;

/**
 * Which chain the RX threads give a packet that nothing else classifies: chain 0 (the config's {@code chains.default})
 * until an operator picks another one at run time (REST {@code PUT /api/v1/default-chain}).
 *
 * <p>Why a pointer and not a rewrite of chain 0: a packet carries its chain id and position, and routers read a chain's
 * services as they go. Rewriting the services of a chain that packets are on would send a packet half-way through the
 * old chain on along the new one, and {@link ChainTable#set} empties the chain for a moment (packets in that window
 * would count as no_chain). Chains in the table never change after start; switching the id the RX threads stamp is
 * one volatile write: packets already in flight finish the chain they started, new ones take the new chain.
 *
 * <p>Thread-safety: any thread may set it; RX threads read it once per burst (a volatile load, no lock).
 */
public final class DefaultChain {
    private volatile int id = ChainTable.DEFAULT_CHAIN;

    /** The chain id new packets get. */
    public int id() {
        return id;
    }

    /** Makes chain {@code id} the one new packets get; the caller has checked that the chain exists. */
    public void id(int id) {
        this.id = id;
    }
}
