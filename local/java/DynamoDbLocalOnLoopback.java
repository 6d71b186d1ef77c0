import java.io.InputStream;
import java.lang.reflect.Field;
import org.eclipse.jetty.server.Connector;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import software.amazon.dynamodb.services.local.main.ServerRunner;
import software.amazon.dynamodb.services.local.server.DynamoDBProxyServer;

/**
 * DynamoDB Local as its own main class starts it, with two differences that its options cannot
 * give (local/dynamo.ts compiles and runs this):
 *
 * 1. It listens on one address (-Dsvmsched.host, 127.0.0.1 by default) instead of every
 *    interface: DynamoDB Local checks no credentials, so anyone who reaches it can read and
 *    change every table. Its Jetty server is built with a port only (new Server(port)), which
 *    binds 0.0.0.0, and no option or system property sets the host: the connector's host is
 *    set here before it starts.
 * 2. With -Dsvmsched.exitWithParent=true it exits when its standard input ends: the parent
 *    holds the other end of that pipe, and the kernel closes it however the parent ends,
 *    kill -9 included, so DynamoDB Local never outlives the stack that started it.
 *
 * Telemetry is never configured, so none is sent (its own main class sends some by default).
 */
public final class DynamoDbLocalOnLoopback {
  public static void main(String[] args) throws Exception {
    String host = System.getProperty("svmsched.host", "127.0.0.1");
    DynamoDBProxyServer proxy = ServerRunner.createServerFromCommandLineArgs(args);
    if (proxy == null) return;
    Field field = DynamoDBProxyServer.class.getDeclaredField("server");
    field.setAccessible(true);
    Server server = (Server) field.get(proxy);
    Connector[] connectors = server.getConnectors();
    if (connectors.length == 0) throw new IllegalStateException("DynamoDB Local has no connector to bind to " + host);
    // Any other kind of connector would listen on every interface: refuse to start rather than expose the data.
    for (Connector connector : connectors) ((ServerConnector) connector).setHost(host);
    if (Boolean.getBoolean("svmsched.exitWithParent")) exitWhenInputEnds();
    proxy.start();
  }

  private static void exitWhenInputEnds() {
    Thread watch = new Thread(() -> {
      InputStream in = System.in;
      byte[] buffer = new byte[256];
      try {
        while (in.read(buffer) >= 0) {
          // The parent never writes: anything read is ignored, only the end matters.
        }
      } catch (Exception ignored) {
        // A broken pipe is an end too.
      }
      System.exit(0);
    }, "svmsched-parent-watch");
    watch.setDaemon(true);
    watch.start();
  }
}
