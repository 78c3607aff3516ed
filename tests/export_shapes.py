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


# ===== issue 16: the CRM-pipeline and shop KPIs at month, quarter and year ====================
# Each shape below runs over 2026; a figure is given for September (month), the third quarter
# (July-September) and the year, hand-computed in the docstring. A KPI the shape cannot give is
# listed in its "cannot" set, with the column the report must name.
MONTH, QUARTER, YEAR = "2026-09", "2026-Q3", "2026"


def crm_deals(folder: Path) -> dict[str, object]:
    """A CRM pipeline with a win-probability column in percent, and a sales-teams file.

    Closed: e1 Anna GTX won 1000 (Feb), e2 Bob MG lost (May), e3 Carl MG won 600 (Jul), e4 Anna
    GTX lost (Aug), e5 Bob GTX won 900, e6 Carl GTX lost, e7 Anna MG won 500 (Sep).
    September: won 900 + 500 = 1400 over 2 -> 700; lost 1/3; closed 3.
    Q3: won 600 + 900 + 500 = 2000 over 3; lost 2/5; closed 5.
    Year: won 3000 over 4 -> 750; lost 3/7; closed 7.
    Open at 30 September: e8 (1000 at 20 %), e9 (2000 at 60 %), e10 (700 at 40 %) -> 3 deals, 3700,
    weighted 200 + 1200 + 280 = 1680; e11 (created in October, 400 at 50 %) is open at the year's
    end too -> 4 deals, 4100, weighted 1880.
    Q3 win rate by agent: Anna 1/2 (e4 lost, e7 won), Bob 1 (e5), Carl 1/2 (e3 won, e6 lost); by
    manager Dustin (Anna) 1/2, Melvin (Bob, Carl) 2/3; by office Central (Anna, Bob) 2/3, West 1/2;
    by product GTX Pro 1/3 (e4 lost, e5 won, e6 lost), MG Special 1 (e3, e7 won).
    """
    _csv(folder / "sales_pipeline.csv", """
opportunity_id,sales_agent,product,account,deal_stage,engage_date,close_date,close_value,Win probability (%)
e1,Anna,GTX Pro,Acme,Won,2026-01-10,2026-02-15,1000,100
e2,Bob,MG Special,Betasoft,Lost,2026-02-01,2026-05-20,400,0
e3,Carl,MG Special,Gammatech,Won,2026-06-01,2026-07-10,600,100
e4,Anna,GTX Pro,Deltacorp,Lost,2026-06-15,2026-08-05,300,0
e5,Bob,GTX Pro,Acme,Won,2026-07-01,2026-09-12,900,100
e6,Carl,GTX Pro,Betasoft,Lost,2026-08-01,2026-09-25,200,0
e7,Anna,MG Special,Gammatech,Won,2026-08-20,2026-09-28,500,100
e8,Bob,MG Special,Deltacorp,Prospecting,2026-09-10,,1000,20
e9,Carl,GTX Pro,Acme,Engaging,2026-07-05,,2000,60
e10,Anna,GTX Pro,Betasoft,Negotiating,2026-09-20,,700,40
e11,Anna,MG Special,Gammatech,Engaging,2026-10-05,,400,50
""")
    _csv(folder / "sales_teams.csv", """
sales_agent,manager,regional_office
Anna,Dustin Brinkmann,Central
Bob,Melvin Marxen,Central
Carl,Melvin Marxen,West
""")
    return {
        "figures": {
            "won_revenue": (1400.0, 2000.0, 3000.0),
            "avg_won_deal_size": (700.0, 2000 / 3, 750.0),
            "open_pipeline_value": (3700.0, 3700.0, 4100.0),
            "open_pipeline_deals": (3.0, 3.0, 4.0),
            "weighted_pipeline": (1680.0, 1680.0, 1880.0),
            "lost_deal_rate": (1 / 3, 2 / 5, 3 / 7),
            "closed_deals": (3.0, 5.0, 7.0),
            "win_rate": (2 / 3, 3 / 5, 4 / 7),
        },
        "quarter_breakdowns": {
            ("win_rate", "sales_rep"): {"Anna": 0.5, "Bob": 1.0, "Carl": 0.5},
            ("win_rate", "manager"): {"Dustin Brinkmann": 0.5, "Melvin Marxen": 2 / 3},
            ("win_rate", "regional_office"): {"Central": 2 / 3, "West": 0.5},
            ("win_rate", "line_of_business"): {"GTX Pro": 1 / 3, "MG Special": 1.0},
            ("won_revenue", "sales_rep"): {"Anna": 500.0, "Bob": 900.0, "Carl": 600.0},
        },
        "cannot": {"return_rate": "orders", "cash_collected": "payments"},
    }


def order_lines_year(folder: Path) -> dict[str, object]:
    """Invoice lines over 2026 with quantities and no status, freight, discount or delivery dates.

    Items per invoice: 537005 10 (Mar); 537001 2 + 1 = 3 (Jul), 537002 4 (Aug), 537003 6 + 1 = 7
    and 537004 3 (Sep); 537006 2 (Oct). September (7 + 3) / 2 = 5; Q3 17 / 4; year 29 / 6.
    Return and cancellation rates need a status column the file does not have.
    """
    _csv(folder / "online_retail_2026.csv", """
InvoiceNo,StockCode,Description,Quantity,InvoiceDate,UnitPrice,CustomerID,Country
537005,A,WHITE MUG,10,2026-03-15 10:00,5.00,17850,United Kingdom
537001,A,WHITE MUG,2,2026-07-05 09:00,5.00,17850,United Kingdom
537001,B,RED LANTERN,1,2026-07-05 09:00,20.00,17850,United Kingdom
537002,C,TEA SET,4,2026-08-10 11:00,10.00,13047,France
537003,A,WHITE MUG,6,2026-09-03 12:00,5.00,12583,Germany
537003,C,TEA SET,1,2026-09-03 12:00,10.00,12583,Germany
537004,B,RED LANTERN,3,2026-09-20 16:00,20.00,13047,France
537006,C,TEA SET,2,2026-10-02 08:30,10.00,17850,United Kingdom
""")
    return {
        "figures": {"items_per_order": (5.0, 17 / 4, 29 / 6)},
        "quarter_breakdowns": {},
        "cannot": {"return_rate": "status", "cancellation_rate": "status", "revenue_with_shipping": "freight",
                   "discount_rate": "discount", "on_time_order_delivery": "due_date", "cash_collected": "payments"},
    }


def marketplace_year(folder: Path) -> dict[str, object]:
    """The six-file marketplace over 2026: orders, items with freight, customers, products,
    reviews and payments without dates (a payment takes its order's date).

    Orders (lines: price + freight): m6 Apr (40 + 4), m7 May canceled (60 + 6), m1 Jul (100 + 10,
    50 + 5), m2 Aug (120 + 12), m3 Sep canceled (80 + 8), m4 Sep (3 lines 50 + 5, 50 + 5, 30 + 3),
    m5 Sep (200 + 20), m8 Oct (70 + 7). m4 is not paid yet; m2 is paid in two parts.
    September: canceled 1/3; returns 0/2; revenue 130 + 200 + freight 13 + 20 = 363; items 4 / 2;
    cash 220. Q3: canceled 1/5; 600 + 60 = 660; items 7 / 4; cash 165 + 132 + 220 = 517.
    Year: canceled 2/8; 710 + 71 = 781; items 9 / 6; cash 517 + 44 + 77 = 638.
    Delivered (by delivery date; an estimated date at midnight is a date, compared by day): m1 Jul
    5 days, on its estimated day at 15:00 (on time); m2 Aug 10 days, late; m4 Sep 4 days, on time;
    m5 Sep 10 days, late; m6 Apr 4 days, m8 Oct 3 days, on time. On time: September 1/2, Q3 2/4,
    year 4/6. Days, each order once however many lines: September (4 + 10) / 2 = 7; Q3
    (5 + 10 + 4 + 10) / 4; year (29 + 4 + 3) / 6 = 6.
    """
    _csv(folder / "olist_orders_dataset.csv", """
order_id,customer_id,order_status,order_purchase_timestamp,order_delivered_customer_date,order_estimated_delivery_date
m6,c2,delivered,2026-04-01 10:00:00,2026-04-05 10:00:00,2026-04-10 00:00:00
m7,c5,canceled,2026-05-15 10:00:00,,2026-05-25 00:00:00
m1,c1,delivered,2026-07-03 15:00:00,2026-07-08 15:00:00,2026-07-08 00:00:00
m2,c2,delivered,2026-08-10 09:00:00,2026-08-20 09:00:00,2026-08-15 00:00:00
m3,c3,canceled,2026-09-02 11:00:00,,2026-09-12 00:00:00
m4,c1,delivered,2026-09-05 08:00:00,2026-09-09 08:00:00,2026-09-10 00:00:00
m5,c4,delivered,2026-09-20 10:00:00,2026-09-30 10:00:00,2026-09-25 00:00:00
m8,c4,delivered,2026-10-03 10:00:00,2026-10-06 10:00:00,2026-10-10 00:00:00
""")
    _csv(folder / "olist_customers_dataset.csv", """
customer_id,customer_unique_id,customer_zip_code_prefix,customer_city,customer_state
c1,u1,01001,sao paulo,SP
c2,u2,20000,rio de janeiro,RJ
c3,u3,01002,sao paulo,SP
c4,u1,01001,sao paulo,SP
c5,u4,20001,rio de janeiro,RJ
""")
    _csv(folder / "olist_order_items_dataset.csv", """
order_id,order_item_id,product_id,seller_id,shipping_limit_date,price,freight_value
m6,1,p3,s1,2026-04-03 10:00:00,40.00,4.00
m7,1,p1,s1,2026-05-17 10:00:00,60.00,6.00
m1,1,p1,s1,2026-07-05 15:00:00,100.00,10.00
m1,2,p2,s1,2026-07-05 15:00:00,50.00,5.00
m2,1,p1,s2,2026-08-12 09:00:00,120.00,12.00
m3,1,p3,s3,2026-09-04 11:00:00,80.00,8.00
m4,1,p2,s1,2026-09-07 08:00:00,50.00,5.00
m4,2,p2,s1,2026-09-07 08:00:00,50.00,5.00
m4,3,p3,s1,2026-09-07 08:00:00,30.00,3.00
m5,1,p1,s2,2026-09-22 10:00:00,200.00,20.00
m8,1,p2,s1,2026-10-05 10:00:00,70.00,7.00
""")
    _csv(folder / "olist_products_dataset.csv", """
product_id,product_category_name,product_weight_g
p1,cama_mesa_banho,500
p2,beleza_saude,200
p3,esporte_lazer,800
""")
    _csv(folder / "olist_order_reviews_dataset.csv", """
review_id,order_id,review_score,review_comment_message,review_creation_date,review_answer_timestamp
r1,m1,5,otimo,2026-07-09 00:00:00,2026-07-10 10:00:00
r2,m2,2,atrasou,2026-08-21 00:00:00,2026-08-22 10:00:00
""")
    _csv(folder / "olist_order_payments_dataset.csv", """
order_id,payment_sequential,payment_type,payment_installments,payment_value
m6,1,credit_card,1,44.00
m1,1,credit_card,2,165.00
m2,1,voucher,1,100.00
m2,2,credit_card,1,32.00
m5,1,boleto,1,220.00
m8,1,credit_card,1,77.00
""")
    return {
        "figures": {
            "cancellation_rate": (1 / 3, 1 / 5, 2 / 8),
            "return_rate": (0.0, 0.0, 0.0),
            "revenue_with_shipping": (363.0, 660.0, 781.0),
            "items_per_order": (2.0, 7 / 4, 9 / 6),
            "cash_collected": (220.0, 517.0, 638.0),
            "on_time_order_delivery": (1 / 2, 2 / 4, 4 / 6),
            "avg_delivery_days": (7.0, 29 / 4, 6.0),
        },
        "quarter_breakdowns": {
            ("revenue_with_shipping", "region"): {"SP": 150 + 15 + 130 + 13 + 200 + 20.0, "RJ": 132.0},
        },
        "cannot": {"discount_rate": "discount", "won_revenue": "opportunities"},
    }


def superstore_year(folder: Path) -> dict[str, object]:
    """A superstore workbook over 2026, Orders at line grain with a 0-1 Discount, and a Returns sheet.

    Lines (order, shipped after, sales, quantity, discount rate -> amount off the list price
    = sales x rate / (1 - rate)): S-5 Apr 3 d (75, 3, 0.25 -> 25); S-6 May 5 d (400, 2), returned;
    S-1 Jul 2 d (200, 2, 0; 90, 1, 0.1 -> 10); S-2 Aug 5 d (160, 4, 0.2 -> 40); S-3 Sep 3 d (300,
    3), returned; S-4 Sep 4 d (100, 1, 0.5 -> 100; 50, 5, 0).
    September: returned 1/2; items 6 / 1; discount 100 / (200 + 50) = 0.4; ship days, each order
    once, (3 + 4) / 2. Q3: returned 1/4; items (3 + 4 + 6) / 3; discount 150 / (300 + 200 + 250) =
    0.2; days (2 + 5 + 3 + 4) / 4. Year: returned 2/6; items 16 / 4; discount 175 / 850; days
    (14 + 3 + 5) / 6.
    No status column of its own: the returns list marks returns, but cancellations are unknown.
    """
    book = xlsxwriter.Workbook(str(folder / "Superstore 2026.xlsx"))
    orders = book.add_worksheet("Orders")
    head = ["Row ID", "Order ID", "Order Date", "Ship Date", "Customer ID", "Segment", "Region", "Category",
            "Sales", "Quantity", "Discount", "Profit"]
    rows = [
        (1, "S-5", "2026-04-10", "2026-04-13", "AA-1", "Consumer", "West", "Furniture", 75, 3, 0.25, 5),
        (2, "S-6", "2026-05-20", "2026-05-25", "BB-2", "Corporate", "East", "Technology", 400, 2, 0, 60),
        (3, "S-1", "2026-07-02", "2026-07-04", "AA-1", "Consumer", "West", "Furniture", 200, 2, 0, 40),
        (4, "S-1", "2026-07-02", "2026-07-04", "AA-1", "Consumer", "West", "Technology", 90, 1, 0.1, 9),
        (5, "S-2", "2026-08-12", "2026-08-17", "BB-2", "Corporate", "East", "Technology", 160, 4, 0.2, 8),
        (6, "S-3", "2026-09-03", "2026-09-06", "CC-3", "Consumer", "East", "Furniture", 300, 3, 0, -20),
        (7, "S-4", "2026-09-15", "2026-09-19", "BB-2", "Corporate", "East", "Office Supplies", 100, 1, 0.5, -10),
        (8, "S-4", "2026-09-15", "2026-09-19", "BB-2", "Corporate", "East", "Office Supplies", 50, 5, 0, 6),
    ]
    orders.write_row(0, 0, head)
    for i, row in enumerate(rows, start=1):
        orders.write_row(i, 0, row)
    returns = book.add_worksheet("Returns")
    returns.write_row(0, 0, ["Returned", "Order ID"])
    returns.write_row(1, 0, ["Yes", "S-3"])
    returns.write_row(2, 0, ["Yes", "S-6"])
    book.close()
    return {
        "figures": {
            "return_rate": (1 / 2, 1 / 4, 2 / 6),
            "items_per_order": (6.0, 13 / 3, 16 / 4),
            "discount_rate": (0.4, 0.2, 175 / 850),
            "avg_delivery_days": (3.5, 14 / 4, 22 / 6),
        },
        "quarter_breakdowns": {
            ("discount_rate", "segment"): {"Consumer": 10 / 300, "Corporate": 140 / 450},
        },
        "cannot": {"cancellation_rate": "status", "revenue_with_shipping": "freight",
                   "on_time_order_delivery": "due_date"},
    }
