/**
 * NFVnice's scheduling, done by the manager: each NF process in a cgroup of its own
 * ({@link org.jnetvm.manager.sched.NfCgroups}), cpu shares in proportion to priority × cost × load
 * ({@link org.jnetvm.manager.sched.CpuShares}) written every period, and chain-aware backpressure
 * marks, all by one thread ({@link org.jnetvm.manager.sched.ShareScheduler}). The data plane's half
 * (cost sampling, the marks' enforcement at entry, local retry) is in core and nflib; see
 * docs/architecture.md, "Scheduling (NFVnice)".
 */
package org.jnetvm.manager.sched;
