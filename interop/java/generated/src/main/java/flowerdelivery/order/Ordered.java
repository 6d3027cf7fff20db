package flowerdelivery.order;

/**
 * As generated from the model: itemPrice is an Integer here but a Long on the entity, so
 * BeanUtils.copyProperties leaves it null (the seed's Ordered carries "itemPrice":null), and
 * orderStatus is null until something sets it.
 */
public class Ordered extends AbstractEvent {

    private Long id;
    private String storeName;
    private String itemName;
    private Integer qty;
    private String userName;
    private Integer itemPrice;
    private String orderStatus;

    public Ordered(){
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
    public Integer getItemPrice() { return itemPrice; }
    public void setItemPrice(Integer itemPrice) { this.itemPrice = itemPrice; }
    public String getOrderStatus() { return orderStatus; }
    public void setOrderStatus(String orderStatus) { this.orderStatus = orderStatus; }
}
