package flowerdelivery.payment;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.cloud.openfeign.EnableFeignClients;
import org.springframework.cloud.stream.annotation.EnableBinding;
import org.springframework.context.ApplicationContext;

@SpringBootApplication
@EnableBinding(KafkaProcessor.class)
@EnableFeignClients
public class PaymentApplication {
    protected static ApplicationContext applicationContext;
    public static void main(String[] args) {
        // Its own properties file (order.properties / payment.properties): both apps share one jar.
        System.setProperty("spring.config.name", "payment");
        applicationContext = SpringApplication.run(PaymentApplication.class, args);
    }
}
