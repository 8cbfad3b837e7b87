package io.cairn.redis;

import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import org.hibernate.annotations.Cache;
import org.hibernate.annotations.CacheConcurrencyStrategy;

/** An entity in Hibernate's second-level cache, for {@link HibernateIT}. */
@Entity
@Cache(usage = CacheConcurrencyStrategy.READ_WRITE)
public class Item {
  @Id
  private Long id;
  private String name;

  protected Item() {}

  Item(Long id, String name) {
    this.id = id;
    this.name = name;
  }

  String getName() {
    return name;
  }

  void setName(String name) {
    this.name = name;
  }
}
