package flowerdelivery.order;

public class OrderCancelled extends AbstractEvent {

    private Long id;
    private String storeName;
    private String itemName;
    private Integer qty;
    private String userName;

    public OrderCancelled(){
        super();
    }

    public Long getId() { return id; }
    public void setId(Long id) { this.id = id; }
    public String getStoreName() { return storeName; }
    public void setStoreName(String storeName) { this.storeName = storeName; }
    public String getItemName() { return itemName; }
    public void setItemName(String itemName) { this.itemName = itemName; }
    public Integer getQty() { return qty; }
    public void setQty(Integer qty) { this.qty = qty; }
    public String getUserName() { return userName; }
    public void setUserName(String userName) { this.userName = userName; }
}
