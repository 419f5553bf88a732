/** The manager's end of the message inboxes: its own inbox's reader, sends to NFs, and scale-up requests. */
package org.jnetvm.manager.msg;
