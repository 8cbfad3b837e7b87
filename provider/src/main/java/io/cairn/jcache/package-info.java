/**
 * Cairn's JCache (JSR-107) provider. Public: {@link io.cairn.jcache.CairnCachingProvider},
 * {@link io.cairn.jcache.CairnConfiguration}, {@link io.cairn.jcache.Codec} and the {@code unwrap} views
 * {@link io.cairn.jcache.CairnCache}. Everything else is package-private: each cache is a bounded heap tier over its
 * own engine store, with expiry, listeners, loaders, writers, entry processors and statistics as the spec says.
 */
package io.cairn.jcache;
