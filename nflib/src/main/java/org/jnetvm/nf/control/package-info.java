/**
 * The control protocol between an NF and the manager over a Unix-domain socket: messages,
 * their wire format, and the NF-side client.
 */
package org.jnetvm.nf.control;
