package flowerdelivery.order;

/** Another service's event, as the generator copies it into each consumer. */
public class Decorated extends AbstractEvent {

    private Long id;
    private Long orderId;
    private String orderStatus;

    public Long getId() { return id; }
    public void setId(Long id) { this.id = id; }
    public Long getOrderId() { return orderId; }
    public void setOrderId(Long orderId) { this.orderId = orderId; }
    public String getOrderStatus() { return orderStatus; }
    public void setOrderStatus(String orderStatus) { this.orderStatus = orderStatus; }
}
