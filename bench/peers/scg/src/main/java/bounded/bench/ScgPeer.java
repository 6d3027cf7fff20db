package bounded.bench;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;

/**
 * Nothing but Spring Boot's auto-configuration: routes and JWT verification come from
 * application.yml, so the peer is the gateway a Spring user would write, not a tuned one.
 */
@SpringBootApplication
public class ScgPeer {
  public static void main(String[] args) {
    SpringApplication.run(ScgPeer.class, args);
  }
}
