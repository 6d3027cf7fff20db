package flowerdelivery.payment;

/** As generated: no itemPrice, no userName (the seed's Paid). */
public class Paid extends AbstractEvent {

    private Long id;
    private Long orderId;
    private String storeName;
    private String itemName;
    private Integer qty;
    private String paymentStatus;

    public Paid(){
        super();
    }

    public Long getId() { return id; }
    public void setId(Long id) { this.id = id; }
    public Long getOrderId() { return orderId; }
    public void setOrderId(Long orderId) { this.orderId = orderId; }
    public String getStoreName() { return storeName; }
    public void setStoreName(String storeName) { this.storeName = storeName; }
    public String getItemName() { return itemName; }
    public void setItemName(String itemName) { this.itemName = itemName; }
    public Integer getQty() { return qty; }
    public void setQty(Integer qty) { this.qty = qty; }
    public String getPaymentStatus() { return paymentStatus; }
    public void setPaymentStatus(String paymentStatus) { this.paymentStatus = paymentStatus; }
}
