package flowerdelivery.order;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.cloud.stream.annotation.StreamListener;
import org.springframework.messaging.handler.annotation.Payload;
import org.springframework.stereotype.Service;

/**
 * Policy handlers of the later templates: one listener per event type, chosen by the type
 * header, plus the catch-all every generated PolicyHandler has.
 */
@Service
public class PolicyHandler{
    @Autowired OrderRepository orderRepository;

    @StreamListener(KafkaProcessor.INPUT)
    public void whatever(@Payload String eventString){}

    @StreamListener(value=KafkaProcessor.INPUT, condition="headers['type']=='Decorated'")
    public void wheneverDecorated_UpdateStatus(@Payload Decorated decorated){
        System.out.println("\n\n##### listener UpdateStatus : " + decorated.toJson() + "\n\n");
        orderRepository.findById(decorated.getOrderId()).ifPresent(order -> {
            order.setOrderStatus("Decorated");
            orderRepository.save(order);
        });
    }

    @StreamListener(value=KafkaProcessor.INPUT, condition="headers['type']=='DeliveryStarted'")
    public void wheneverDeliveryStarted_UpdateStatus(@Payload DeliveryStarted deliveryStarted){
        System.out.println("\n\n##### listener UpdateStatus : " + deliveryStarted.toJson() + "\n\n");
        orderRepository.findById(deliveryStarted.getOrderId()).ifPresent(order -> {
            order.setOrderStatus("DeliveryStarted");
            orderRepository.save(order);
        });
    }
}
