package flowerdelivery.order;

import javax.persistence.*;
import org.springframework.beans.BeanUtils;

/** The seed's Order entity: the payment is called from @PostPersist, inside the order's transaction. */
@Entity
@Table(name="Order_table")
public class Order {

    @Id
    @GeneratedValue(strategy=GenerationType.AUTO)
    private Long id;
    private String itemName;
    private Integer qty;
    private Long itemPrice;
    private String storeName;
    private String userName;
    private String orderStatus;

    @PostPersist
    public void onPostPersist(){
        Ordered ordered = new Ordered();
        BeanUtils.copyProperties(this, ordered);
        ordered.publishAfterCommit();

        //Following code causes dependency to external APIs
        // it is NOT A GOOD PRACTICE. instead, Event-Policy mapping is recommended.

        flowerdelivery.order.external.Payment payment = new flowerdelivery.order.external.Payment();
        // mappings goes here
        payment.setOrderId(this.getId());
        payment.setItemName(this.getItemName());
        payment.setQty(this.getQty());
        payment.setItemPrice(this.getItemPrice());
        payment.setStoreName(this.getStoreName());
        payment.setPaymentStatus("paid");
        OrderApplication.applicationContext.getBean(flowerdelivery.order.external.PaymentService.class)
            .pay(payment);
    }

    @PreRemove
    public void onPreRemove(){
        OrderCancelled orderCancelled = new OrderCancelled();
        BeanUtils.copyProperties(this, orderCancelled);
        orderCancelled.publishAfterCommit();
    }

    public Long getId() { return id; }
    public void setId(Long id) { this.id = id; }
    public String getItemName() { return itemName; }
    public void setItemName(String itemName) { this.itemName = itemName; }
    public Integer getQty() { return qty; }
    public void setQty(Integer qty) { this.qty = qty; }
    public Long getItemPrice() { return itemPrice; }
    public void setItemPrice(Long itemPrice) { this.itemPrice = itemPrice; }
    public String getStoreName() { return storeName; }
    public void setStoreName(String storeName) { this.storeName = storeName; }
    public String getUserName() { return userName; }
    public void setUserName(String userName) { this.userName = userName; }
    public String getOrderStatus() { return orderStatus; }
    public void setOrderStatus(String orderStatus) { this.orderStatus = orderStatus; }
}
