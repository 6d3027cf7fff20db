package flowerdelivery.order.external;

/** The order's copy of the payment DTO, as generated: no userName. */
public class Payment {

    private Long id;
    private Long orderId;
    private Long itemPrice;
    private String paymentStatus;
    private String storeName;
    private String itemName;
    private Integer qty;

    public Long getId() { return id; }
    public void setId(Long id) { this.id = id; }
    public Long getOrderId() { return orderId; }
    public void setOrderId(Long orderId) { this.orderId = orderId; }
    public Long getItemPrice() { return itemPrice; }
    public void setItemPrice(Long itemPrice) { this.itemPrice = itemPrice; }
    public String getPaymentStatus() { return paymentStatus; }
    public void setPaymentStatus(String paymentStatus) { this.paymentStatus = paymentStatus; }
    public String getStoreName() { return storeName; }
    public void setStoreName(String storeName) { this.storeName = storeName; }
    public String getItemName() { return itemName; }
    public void setItemName(String itemName) { this.itemName = itemName; }
    public Integer getQty() { return qty; }
    public void setQty(Integer qty) { this.qty = qty; }
}
