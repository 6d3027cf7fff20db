package flowerdelivery.payment;

public class PaymentCancelled extends AbstractEvent {

    private Long id;
    private Long orderId;
    private String paymentStatus;

    public PaymentCancelled(){
        super();
    }

    public Long getId() { return id; }
    public void setId(Long id) { this.id = id; }
    public Long getOrderId() { return orderId; }
    public void setOrderId(Long orderId) { this.orderId = orderId; }
    public String getPaymentStatus() { return paymentStatus; }
    public void setPaymentStatus(String paymentStatus) { this.paymentStatus = paymentStatus; }
}
