/** The Hibernate sample: entity, collection and query caches of Hibernate ORM on Cairn through hibernate-jcache. */
package io.cairn.samples.hibernate;
