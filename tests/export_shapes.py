"""Small exports in the shapes real systems give (docs: shared spec REAL_EXPORTS.md), written to a
folder, with the figures a person computes from them by hand.

Headers follow the public exports they imitate (an online-retail invoice-line file, a
marketplace shop split into orders / items / customers / products / reviews / payments, a
superstore workbook with a Returns sheet, a CRM pipeline with a sales-teams file). No file
names a table: recognition must come from headers, keys and relationships. October 2026 is
the report month (the data runs to its end), September the month before.
"""

from __future__ import annotations

from pathlib import Path

import xlsxwriter


def _csv(path: Path, text: str) -> Path:
    path.write_text(text.strip() + "\n", encoding="utf-8")
    return path


def order_lines(folder: Path) -> dict[str, float]:
    """One file, one row per invoice line; an invoice repeats on each of its lines.

    October: invoices 536101 (17850: 10 + 20 + 30 = 60), 536102 (13047: 5 + 10 = 15),
    536103 (17850: 20 + 20 = 40), 536104 (12583: 100), 536105 (12583: 50) -> revenue 265,
    5 orders (9 lines), average order value 53. Buyers 17850, 13047, 12583; two of them have
    two invoices (13047 has two lines of one invoice) -> repeat purchase rate 2/3.
    September: 536001 (17850: 30), 536002 (13047: 20) -> 50; growth 265 / 50 - 1 = 4.3.
    Customers come from the first invoice: 12583 is the only one new in October.
    """
    _csv(folder / "online_retail.csv", """
InvoiceNo,StockCode,Description,Quantity,InvoiceDate,UnitPrice,CustomerID,Country
536001,A,WHITE MUG,2,2026-09-03 10:00,5.00,17850,United Kingdom
536001,B,RED LANTERN,1,2026-09-03 10:00,20.00,17850,United Kingdom
536002,A,WHITE MUG,4,2026-09-15 12:30,5.00,13047,France
536101,A,WHITE MUG,2,2026-10-01 09:00,5.00,17850,United Kingdom
536101,B,RED LANTERN,1,2026-10-01 09:00,20.00,17850,United Kingdom
536101,C,TEA SET,3,2026-10-01 09:00,10.00,17850,United Kingdom
536102,A,WHITE MUG,1,2026-10-04 11:15,5.00,13047,France
536102,C,TEA SET,1,2026-10-04 11:15,10.00,13047,France
536103,C,TEA SET,2,2026-10-12 16:40,10.00,17850,United Kingdom
536103,B,RED LANTERN,1,2026-10-12 16:40,20.00,17850,United Kingdom
536104,B,RED LANTERN,5,2026-10-20 08:05,20.00,12583,Germany
536105,A,WHITE MUG,10,2026-10-31 17:55,5.00,12583,Germany
""")
    return {"revenue": 265.0, "order_count": 5.0, "average_order_value": 53.0, "repeat_purchase_rate": 2 / 3,
            "sales_growth": 4.3, "new_customers": 1.0,
            "region:United Kingdom": 100.0, "region:France": 15.0, "region:Germany": 150.0}


def marketplace(folder: Path) -> dict[str, float]:
    """A shop exported as six files joined by order, customer and product ids.

    Net sales in October leave out the canceled o3: o1 (100 + 50) + o2 (100) + o4 (50 + 50 + 30)
    = 380 over 3 orders. Customers have one id per order and a unique id per person: c1 and c4
    are u1 (Sao Paulo), c2 and c5 are u2 (Rio). By the customer's state: SP 280, RJ 100. By the
    product's category: p1 200, p2 150, p3 30. Reviews are dated by their creation date:
    October scores 5, 2, 4 -> CSAT 11 / 3. Customers are derived from first orders: u1 (Oct 2)
    and u3 (Oct 7, canceled, still its first order) are new in October; u2 bought in September.
    Buyers in October (net): u1 with two orders, u2 with one -> repeat purchase rate 1/2.
    """
    _csv(folder / "olist_orders_dataset.csv", """
order_id,customer_id,order_status,order_purchase_timestamp,order_delivered_customer_date,order_estimated_delivery_date
o1,c1,delivered,2026-10-02 09:10:00,2026-10-06 10:00:00,2026-10-10 00:00:00
o2,c2,delivered,2026-10-05 14:00:00,2026-10-12 10:00:00,2026-10-11 00:00:00
o3,c3,canceled,2026-10-07 11:00:00,,2026-10-15 00:00:00
o4,c4,delivered,2026-10-20 16:30:00,2026-10-25 10:00:00,2026-10-30 00:00:00
o5,c5,delivered,2026-09-12 08:00:00,2026-09-15 10:00:00,2026-09-20 00:00:00
o6,c2,delivered,2026-10-31 23:10:00,2026-11-03 10:00:00,2026-11-10 00:00:00
""")
    _csv(folder / "olist_customers_dataset.csv", """
customer_id,customer_unique_id,customer_zip_code_prefix,customer_city,customer_state
c1,u1,01001,sao paulo,SP
c2,u2,20000,rio de janeiro,RJ
c3,u3,01002,sao paulo,SP
c4,u1,01001,sao paulo,SP
c5,u2,20000,rio de janeiro,RJ
""")
    _csv(folder / "olist_order_items_dataset.csv", """
order_id,order_item_id,product_id,seller_id,shipping_limit_date,price,freight_value
o1,1,p1,s1,2026-10-04 09:10:00,100.00,10.00
o1,2,p2,s1,2026-10-04 09:10:00,50.00,5.00
o2,1,p1,s2,2026-10-07 14:00:00,100.00,12.00
o3,1,p3,s3,2026-10-09 11:00:00,80.00,8.00
o4,1,p2,s1,2026-10-22 16:30:00,50.00,5.00
o4,2,p2,s1,2026-10-22 16:30:00,50.00,5.00
o4,3,p3,s1,2026-10-22 16:30:00,30.00,4.00
o5,1,p1,s1,2026-09-14 08:00:00,90.00,9.00
""")
    _csv(folder / "olist_products_dataset.csv", """
product_id,product_category_name,product_weight_g
p1,cama_mesa_banho,500
p2,beleza_saude,200
p3,esporte_lazer,800
""")
    _csv(folder / "olist_order_reviews_dataset.csv", """
review_id,order_id,review_score,review_comment_message,review_creation_date,review_answer_timestamp
r1,o1,5,otimo,2026-10-07 00:00:00,2026-10-08 10:00:00
r2,o2,2,atrasou,2026-10-13 00:00:00,2026-10-14 10:00:00
r3,o4,4,,2026-10-26 00:00:00,2026-10-27 10:00:00
r4,o5,5,,2026-09-16 00:00:00,2026-09-17 10:00:00
""")
    _csv(folder / "olist_order_payments_dataset.csv", """
order_id,payment_sequential,payment_type,payment_installments,payment_value
o1,1,credit_card,2,165.00
o2,1,boleto,1,112.00
o4,1,credit_card,3,144.00
o5,1,voucher,1,99.00
""")
    # o6 has no items: an order without lines has no amount (said on the Data quality sheet)
    return {"revenue": 380.0, "order_count": 3.0, "average_order_value": 380 / 3, "csat": 11 / 3,
            "new_customers": 2.0, "repeat_purchase_rate": 0.5,
            "region:SP": 280.0, "region:RJ": 100.0,
            "line_of_business:cama_mesa_banho": 200.0, "line_of_business:beleza_saude": 150.0,
            "line_of_business:esporte_lazer": 30.0}


def superstore(folder: Path) -> dict[str, float]:
    """A workbook with an Orders sheet at line grain and a Returns sheet listing returned orders.

    October lines: CA-1 (200 + 100), CA-2 (50), CA-3 (400, returned), CA-4 (25 + 25); CA-3 is in
    the Returns sheet, so net sales are 300 + 50 + 50 = 400 over 3 orders (7 lines in all).
    """
    book = xlsxwriter.Workbook(str(folder / "Sample - Superstore.xlsx"))
    orders = book.add_worksheet("Orders")
    head = ["Row ID", "Order ID", "Order Date", "Ship Date", "Customer ID", "Segment", "Region", "Category",
            "Sales", "Quantity", "Discount", "Profit"]
    rows = [
        (1, "CA-0", "2026-09-20", "2026-09-22", "AA-1", "Consumer", "West", "Furniture", 120, 1, 0, 20),
        (2, "CA-1", "2026-10-02", "2026-10-04", "AA-1", "Consumer", "West", "Furniture", 200, 2, 0, 40),
        (3, "CA-1", "2026-10-02", "2026-10-04", "AA-1", "Consumer", "West", "Technology", 100, 1, 0, 10),
        (4, "CA-2", "2026-10-09", "2026-10-12", "BB-2", "Corporate", "East", "Technology", 50, 1, 0.2, 5),
        (5, "CA-3", "2026-10-15", "2026-10-18", "CC-3", "Consumer", "East", "Furniture", 400, 4, 0, -30),
        (6, "CA-4", "2026-10-28", "2026-11-01", "BB-2", "Corporate", "East", "Office Supplies", 25, 5, 0, 3),
        (7, "CA-4", "2026-10-28", "2026-11-01", "BB-2", "Corporate", "East", "Office Supplies", 25, 5, 0, 3),
    ]
    orders.write_row(0, 0, head)
    for i, row in enumerate(rows, start=1):
        orders.write_row(i, 0, row)
    returns = book.add_worksheet("Returns")
    returns.write_row(0, 0, ["Returned", "Order ID"])
    returns.write_row(1, 0, ["Yes", "CA-3"])
    people = book.add_worksheet("People")
    people.write_row(0, 0, ["Regional Manager", "Region"])
    people.write_row(1, 0, ["Anna", "West"])
    book.close()
    return {"revenue": 400.0, "order_count": 3.0, "average_order_value": 400 / 3}


def crm_pipeline(folder: Path) -> dict[str, float]:
    """Deals with stage, engage and close dates, and a sales-teams file keyed by the agent.

    Closed in October: d1 won (Anna), d2 lost (Anna), d3 won (Bob), d4 won (Carl), d5 lost (Carl)
    -> win rate 3/5. Anna reports to Dustin, Bob and Carl to Melvin: 1/2 and 2/3. Offices:
    Central (Anna, Bob) 2/3, West (Carl) 1/2. Won in October took 65, 35 and 24 days -> 124/3.
    """
    _csv(folder / "sales_pipeline.csv", """
opportunity_id,sales_agent,product,account,deal_stage,engage_date,close_date,close_value
d1,Anna,GTX Pro,Acme,Won,2026-08-01,2026-10-05,1000
d2,Anna,GTX Pro,Betasoft,Lost,2026-09-01,2026-10-10,0
d3,Bob,MG Special,Acme,Won,2026-09-15,2026-10-20,500
d4,Carl,MG Special,Gammatech,Won,2026-10-01,2026-10-25,300
d5,Carl,GTX Pro,Betasoft,Lost,2026-10-02,2026-10-28,
d6,Bob,MG Special,Deltacorp,Engaging,2026-10-03,,
d7,Anna,GTX Pro,Acme,Won,2026-07-01,2026-09-10,800
""")
    _csv(folder / "sales_teams.csv", """
sales_agent,manager,regional_office
Anna,Dustin Brinkmann,Central
Bob,Melvin Marxen,Central
Carl,Melvin Marxen,West
""")
    return {"win_rate": 0.6, "sales_cycle_length": 124 / 3,
            "manager:Dustin Brinkmann": 0.5, "manager:Melvin Marxen": 2 / 3,
            "regional_office:Central": 2 / 3, "regional_office:West": 0.5}


def churn_snapshot(folder: Path) -> dict[str, float]:
    """A telco churn list: tenure, contract, charges and a churn flag, no dates at all.

    Reported as of 2026-11-30 it describes November. Customers at its start have tenure 1 or
    more: B, C, D, E, F (5); B, E and F churned -> churn rate 3/5; A (tenure 0) is new; at the
    end A, C, D remain -> retention (3 - 1) / 5. By contract: month-to-month B, E both left
    (1.0), one year C stayed (0.0), two year D stayed and F left (0.5).
    """
    _csv(folder / "telco_customer_churn.csv", """
customerID,gender,SeniorCitizen,Partner,tenure,Contract,PaymentMethod,MonthlyCharges,TotalCharges,Churn
A-001,Female,0,Yes,0,Month-to-month,Electronic check,50.00,,No
B-002,Male,0,No,5,Month-to-month,Mailed check,70.00,350.00,Yes
C-003,Female,1,No,12,One year,Bank transfer (automatic),60.00,720.00,No
D-004,Male,0,Yes,24,Two year,Credit card (automatic),80.00,1920.00,No
E-005,Female,0,No,1,Month-to-month,Electronic check,90.00,90.00,Yes
F-006,Male,1,Yes,30,Two year,Mailed check,40.00,1200.00,Yes
""")
    return {"churn_rate": 0.6, "retention_rate": 0.4, "new_customers": 1.0, "customers": 3.0,
            "contract:Month-to-month": 1.0, "contract:One year": 0.0, "contract:Two year": 0.5}


def call_centre(folder: Path) -> dict[str, float]:
    """A call-centre (ACD) export: one row per call, answered Y/N, speed of answer in seconds,
    talk time as a clock, satisfaction 1-5 on the call row (blank when unanswered).

    October: 6 calls, 5 answered. Satisfaction 3, 3, 3, 2, 3 -> CSAT 14 / 5. Speed of answer 109,
    70, 10, 53, 95 s -> first response 337 / 5 s. Talk 2:23, 4:02, 2:11, 0:37, 1:00 -> 143 + 242 +
    131 + 37 + 60 = 613 s over 5 calls.
    """
    _csv(folder / "call_centre_trends.csv", """
Call Id,Agent,Date,Time,Topic,Answered (Y/N),Resolved,Speed of answer in seconds,AvgTalkDuration,Satisfaction rating
ID0001,Diane,2026-10-01,09:12:44,Contract related,Y,Y,109,00:02:23,3
ID0002,Becky,2026-10-01,09:12:44,Technical Support,Y,N,70,00:04:02,3
ID0003,Stewart,2026-10-02,09:47:31,Payment related,Y,Y,10,00:02:11,3
ID0004,Greg,2026-10-02,09:47:31,Contract related,Y,Y,53,00:00:37,2
ID0005,Becky,2026-10-03,10:00:29,Payment related,Y,Y,95,00:01:00,3
ID0006,Stewart,2026-10-31,10:00:29,Contract related,N,N,,,
ID0007,Diane,2026-09-30,11:20:00,Streaming,Y,Y,20,00:03:00,5
""")
    return {"tickets_opened": 6.0, "csat": 14 / 5, "first_response_time": 337 / 5, "average_handle_time": 613 / 5}


def campaign_responses(folder: Path) -> dict[str, float]:
    """A marketing campaign response list: one contacted customer per row, enrolment date only,
    one yes/no (1/0) column per campaign. Read as customers: 2 enrolled in October."""
    _csv(folder / "marketing_campaign.csv", """
ID,Year_Birth,Education,Marital_Status,Income,Dt_Customer,Recency,MntWines,AcceptedCmp1,AcceptedCmp2,Complain,Response
5524,1957,Graduation,Single,58138,2026-09-04,58,635,0,0,0,1
2174,1954,Graduation,Single,46344,2026-10-08,38,11,0,0,0,0
4141,1965,Graduation,Together,71613,2026-10-21,26,426,0,1,0,0
6182,1984,Graduation,Together,26646,2026-09-10,26,11,0,0,1,0
""")
    return {"new_customers": 2.0}
