/** Built-in network functions, started with {@code jnetvm nf NAME}. */
package org.jnetvm.nfs;
