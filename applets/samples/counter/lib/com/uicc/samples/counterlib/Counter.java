package com.uicc.samples.counterlib;

import javacard.framework.Shareable;

/**
 * A counter that an applet offers to the applets of other packages through the firewall.
 * Each call switches to the context of the applet that implements it.
 */
public interface Counter extends Shareable {
  /** Adds `amount` and returns the new value. */
  short increment(short amount);

  short value();
}
