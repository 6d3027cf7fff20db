package flowerdelivery.payment;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.cloud.stream.annotation.StreamListener;
import org.springframework.messaging.handler.annotation.Payload;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

@Service
@Transactional
public class PolicyHandler{
    @Autowired PaymentRepository paymentRepository;

    @StreamListener(KafkaProcessor.INPUT)
    public void whatever(@Payload String eventString){}

    @StreamListener(value=KafkaProcessor.INPUT, condition="headers['type']=='OrderCancelled'")
    public void wheneverOrderCancelled_CancelPayment(@Payload OrderCancelled orderCancelled){
        System.out.println("\n\n##### listener CancelPayment : " + orderCancelled.toJson() + "\n\n");
        Long orderId = orderCancelled.getOrderId() != null ? orderCancelled.getOrderId() : orderCancelled.getId();
        for (Payment payment : paymentRepository.findByOrderId(orderId)) {
            if ("Refunded".equals(payment.getPaymentStatus())) continue;
            payment.setPaymentStatus("Refunded");
            paymentRepository.save(payment);
        }
    }
}
