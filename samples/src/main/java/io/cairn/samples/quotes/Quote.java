package io.cairn.samples.quotes;

import java.io.Serializable;

/** A price quote, as the slow source computes it. */
public record Quote(String symbol, long priceCents, String computedAt) implements Serializable {}
