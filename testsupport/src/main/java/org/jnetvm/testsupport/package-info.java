/**
 * Network namespaces and veth pairs for end-to-end tests and the forwarding benchmark: real
 * kernel stacks on both sides of the manager's ports, made and removed by the code that uses them.
 */
package org.jnetvm.testsupport;
