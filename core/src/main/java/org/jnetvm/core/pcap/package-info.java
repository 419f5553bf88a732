/** Classic pcap files: the writer shared by the pcap_out port and the capture options. */
package org.jnetvm.core.pcap;
