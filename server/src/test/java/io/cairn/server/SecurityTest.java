package io.cairn.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cairn.engine.TestFiles;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.util.Base64;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.Test;

/** Authentication (requirepass, users), what is refused before it, and TLS with a certificate made here. */
class SecurityTest {
  private static final String PASSWORD = "s3cr3t-Pa55word";

  @Test
  void requirepassRefusesEverythingButHelloAuthQuitResetUntilAuthenticated() throws Exception {
    PrintStream err = System.err;
    ByteArrayOutputStream captured = new ByteArrayOutputStream();
    System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
    try (TestServer s = TestServer.start("--requirepass", PASSWORD); RespClient c = s.client()) {
      assertEquals("-NOAUTH Authentication required.", c.call("GET", "k"));
      assertEquals("-NOAUTH Authentication required.", c.call("PING"));
      assertEquals("-NOAUTH Authentication required.", c.call("CONFIG", "GET", "requirepass"));
      assertEquals("+RESET", c.call("RESET"));
      assertEquals("-WRONGPASS invalid username-password pair or user is disabled.", c.call("AUTH", "wrong"));
      assertEquals("-WRONGPASS invalid username-password pair or user is disabled.",
          c.call("HELLO", "3", "AUTH", "default", "wrong" + PASSWORD));
      assertTrue(c.call("HELLO", "3").startsWith("-NOAUTH HELLO must be called with the client already "
          + "authenticated"));
      c.send("*11\r\n");
      assertEquals("-ERR Protocol error: unauthenticated multibulk length", c.read());
      assertTrue(c.closedByServer());
      try (RespClient d = s.client()) {
        assertEquals("+OK", d.call("AUTH", PASSWORD));
        assertEquals("+PONG", d.call("PING"));
        String stats = d.call("INFO", "stats");
        assertTrue(stats.contains("acl_access_denied_auth:2\r\n"), "two failed authentications counted: " + stats);
      }
      try (RespClient e = s.client()) {
        assertTrue(e.call("HELLO", "3", "AUTH", "default", PASSWORD).startsWith("%{$server=$redis"));
        assertEquals("_", e.call("GET", "k"));
      }
      try (RespClient q = s.client()) {
        assertEquals("+OK", q.call("QUIT"));
        assertTrue(q.closedByServer());
      }
    } finally {
      System.setErr(err);
    }
    assertFalse(captured.toString(StandardCharsets.UTF_8).contains(PASSWORD), "the password is never logged");
  }

  @Test
  void usersWithPasswords() throws Exception {
    try (TestServer s = TestServer.start("--user", "alice", "on", ">pw1", ">pw2", "--user", "bob", "off", ">pw");
        RespClient c = s.client()) {
      assertEquals("-NOAUTH Authentication required.", c.call("GET", "k"),
          "users without requirepass: the default user is disabled");
      assertEquals("-WRONGPASS invalid username-password pair or user is disabled.", c.call("AUTH", "bob", "pw"));
      assertEquals("-WRONGPASS invalid username-password pair or user is disabled.", c.call("AUTH", "alice", "pw"));
      assertEquals("-ERR AUTH <password> called without any password configured for the default user. Are you sure "
          + "your configuration is correct?", c.call("AUTH", "pw1"));
      assertEquals("+OK", c.call("AUTH", "alice", "pw2"));
      assertEquals("+OK", c.call("SET", "k", "v"));
      assertTrue(c.call("CLIENT", "INFO").contains(" user=alice "));
    }
  }

  @Test
  void tlsWithASelfSignedCertificate() throws Exception {
    Path dir = Files.createTempDirectory("cairn-tls-");
    try {
      Path ks = dir.resolve("server.p12");
      Process p = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "keytool").toString(),
          "-genkeypair", "-alias", "cairn", "-keyalg", "RSA", "-keysize", "2048", "-validity", "2",
          "-dname", "CN=localhost", "-ext", "SAN=ip:127.0.0.1,dns:localhost", "-keystore", ks.toString(),
          "-storetype", "PKCS12", "-storepass", "changeit", "-keypass", "changeit").inheritIO().start();
      assertTrue(p.waitFor(60, TimeUnit.SECONDS) && p.exitValue() == 0, "keytool made the test certificate");
      KeyStore store = KeyStore.getInstance("PKCS12");
      try (var in = Files.newInputStream(ks)) {
        store.load(in, "changeit".toCharArray());
      }
      PrivateKey key = (PrivateKey) store.getKey("cairn", "changeit".toCharArray());
      Certificate cert = store.getCertificate("cairn");
      Path certPem = dir.resolve("server.crt");
      Path keyPem = dir.resolve("server.key");
      Files.writeString(certPem, pem("CERTIFICATE", cert.getEncoded()));
      Files.writeString(keyPem, pem("PRIVATE KEY", key.getEncoded()));
      try (TestServer s = TestServer.start("--tls-port", String.valueOf(RealRedis.freePort()),
          "--tls-cert-file", certPem.toString(),
          "--tls-key-file", keyPem.toString())) {
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(store);
        SSLContext ctx = SSLContext.getInstance("TLS");
        ctx.init(null, tmf.getTrustManagers(), null);
        SSLSocket sock = (SSLSocket) ctx.getSocketFactory().createSocket("127.0.0.1", s.server.tlsPort());
        sock.startHandshake();
        try (RespClient c = new RespClient(sock)) {
          assertEquals("+OK", c.call("SET", "secure", "yes"));
          assertEquals("$yes", c.call("GET", "secure"));
        }
        try (RespClient plain = s.client()) {
          assertEquals("$yes", plain.call("GET", "secure"), "the plain port serves the same data");
        }
      }
    } finally {
      TestFiles.deleteTree(dir);
    }
  }

  private static String pem(String type, byte[] der) {
    return "-----BEGIN " + type + "-----\n" + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII))
        .encodeToString(der) + "\n-----END " + type + "-----\n";
  }
}
