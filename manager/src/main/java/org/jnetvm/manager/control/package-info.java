/**
 * The manager's end of the control protocol ({@link org.jnetvm.nf.control}): a Unix-domain
 * socket server that enforces the protocol and hands valid requests to the manager's
 * {@link org.jnetvm.manager.control.ControlHandler}.
 */
package org.jnetvm.manager.control;
