/**
 * JMH benchmarks through the JCache API: Cairn's provider side by side with other JCache providers, the same calls
 * and the same store-by-value or store-by-reference setting on every side.
 */
package io.cairn.benchmarks.jcache;
