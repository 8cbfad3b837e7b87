/** Runnable samples: small programs a user copies from. Each has a test that runs it and checks what it prints. */
package io.cairn.samples;
