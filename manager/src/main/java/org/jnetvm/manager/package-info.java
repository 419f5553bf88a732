/** The manager: owns the region and the ports, moves packets between ports and NFs. */
package org.jnetvm.manager;
