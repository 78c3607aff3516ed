"""Exports for the call-centre, churn-snapshot and campaign KPIs, spanning several months so that
each figure can be checked at month (October 2026), quarter (2026-Q4) and year (2026); each
function writes the files and returns the figures worked out by hand in its docstring.

Headers follow the public exports they imitate (an ACD call log, a telco churn list, a
campaign response list in long form, the wide marketing-campaign customer list); no file names a
table, recognition comes from headers.
"""

from __future__ import annotations

from pathlib import Path

MONTH, QUARTER, YEAR = "2026-10", "2026-Q4", "2026"


def _csv(path: Path, text: str) -> Path:
    path.write_text(text.strip() + "\n", encoding="utf-8")
    return path


def calls(folder: Path) -> dict[str, dict[str, float]]:
    """An ACD call log: answered Y/N, resolved Y/N, speed of answer (s), talk time, rating 1-5.

    October: C01-C05, 5 calls, 4 answered -> answer rate 4/5, abandon rate 1/5. Answered within
    20 s: 10, 20, 15 (30 is late) -> service level 3/5 (within 30 s: 4/5). Resolved among the
    answered: C01, C03, C05 -> 3/4. Speed of answer (10 + 30 + 20 + 15) / 4 = 18.75 s; talk
    120 + 240 + 180 + 60 = 600 s / 4 = 150 s. Ratings 5, 4, 3, 2 -> top-two-box 2/4 (mean 3.5).
    By agent: speed of answer Anna (10 + 30) / 2 = 20, Ben 20, Cara 15; talk Anna 180, Ben 180,
    Cara 60.
    Q4 adds C06 (Nov, answered in 25 s, resolved, 5:00, rated 4), C07 (Nov, abandoned), C08
    (Dec, 5 s, resolved, 2:00, rated 5): 8 calls, 6 answered -> 3/4, abandon 1/4; within 20 s
    10, 20, 15, 5 -> 4/8; resolved 5/6; speed (75 + 25 + 5) / 6 = 17.5; talk (600 + 300 + 120)
    / 6 = 170; ratings 4 of 6 are 4-5 -> 4/6. Anna's speed of answer (10 + 30 + 25) / 3.
    The year adds August's C09 (40 s, not resolved, 6:00, rated 1) and C10 (abandoned): 10
    calls, 7 answered -> 7/10, abandon 3/10; within 20 s 4/10; resolved 5/7; speed 145 / 7;
    talk 1380 / 7; top-two-box 4/7.
    """
    _csv(folder / "call_centre_log.csv", """
Call Id,Agent,Date,Topic,Answered (Y/N),Resolved,Speed of answer in seconds,AvgTalkDuration,Satisfaction rating
C01,Anna,2026-10-01,Contract related,Y,Y,10,00:02:00,5
C02,Anna,2026-10-02,Technical Support,Y,N,30,00:04:00,4
C03,Ben,2026-10-09,Payment related,Y,Y,20,00:03:00,3
C04,Ben,2026-10-15,Contract related,N,N,,,
C05,Cara,2026-10-31,Streaming,Y,Y,15,00:01:00,2
C06,Anna,2026-11-04,Payment related,Y,Y,25,00:05:00,4
C07,Cara,2026-11-20,Streaming,N,N,,,
C08,Ben,2026-12-01,Technical Support,Y,Y,5,00:02:00,5
C09,Anna,2026-08-12,Contract related,Y,N,40,00:06:00,1
C10,Ben,2026-08-13,Streaming,N,N,,,
""")
    return {
        MONTH: {"answer_rate": 4 / 5, "abandon_rate": 1 / 5, "service_level": 3 / 5, "call_resolution_rate": 3 / 4,
                "first_response_time": 18.75, "average_handle_time": 150.0, "csat_top_two_box": 2 / 4,
                "csat": 3.5, "agent:first_response_time:Anna": 20.0, "agent:first_response_time:Cara": 15.0,
                "agent:average_handle_time:Anna": 180.0, "agent:average_handle_time:Cara": 60.0},
        QUARTER: {"answer_rate": 6 / 8, "abandon_rate": 2 / 8, "service_level": 4 / 8, "call_resolution_rate": 5 / 6,
                  "first_response_time": 17.5, "average_handle_time": 170.0, "csat_top_two_box": 4 / 6,
                  "csat": 23 / 6, "agent:first_response_time:Anna": 65 / 3, "agent:first_response_time:Ben": 12.5,
                  "agent:average_handle_time:Anna": 220.0},
        YEAR: {"answer_rate": 7 / 10, "abandon_rate": 3 / 10, "service_level": 4 / 10, "call_resolution_rate": 5 / 7,
               "first_response_time": 145 / 7, "average_handle_time": 1380 / 7, "csat_top_two_box": 4 / 7,
               "csat": 24 / 7},
    }


def churn_list(folder: Path) -> dict[str, dict[str, float]]:
    """A telco churn list (tenure, contract, payment method, monthly charges, churn flag), no dates,
    reported as of 2026-12-31: it describes December, the last month of the quarter and the year.

    At December's start (tenure 1 or more): B, C, D, E, F, G, H; B, E, F, H churned -> 4/7. By
    tenure band: 0-12 B, C, E -> 2/3; 13-24 D, H -> 1/2; 25-48 F -> 1; 49+ G -> 0. By contract:
    month-to-month B, E -> 1; one year C, H -> 1/2; two year D, F, G -> 1/3. By payment method:
    electronic check E -> 1; mailed check B, F -> 1; bank transfer C, H -> 1/2; credit card D, G
    -> 0. Revenue at risk 70 + 90 + 40 + 55 = 255 (month-to-month 160). Customers at the end A,
    C, D, G with tenure 0, 12, 24, 60 -> average tenure 24 months.
    The quarter's start (October 1) has the customers of tenure 3 or more (B, C, D, F, G, H), all
    four losses fall in it -> 4/6; the year's start has tenure 12 or more (C, D, F, G, H) -> 4/5.
    Revenue at risk and tenure are as of December 31 in all three.
    """
    _csv(folder / "telco_customer_churn.csv", """
customerID,gender,tenure,Contract,PaymentMethod,MonthlyCharges,TotalCharges,Churn
A-001,Female,0,Month-to-month,Electronic check,50.00,,No
B-002,Male,5,Month-to-month,Mailed check,70.00,350.00,Yes
C-003,Female,12,One year,Bank transfer (automatic),60.00,720.00,No
D-004,Male,24,Two year,Credit card (automatic),80.00,1920.00,No
E-005,Female,1,Month-to-month,Electronic check,90.00,90.00,Yes
F-006,Male,30,Two year,Mailed check,40.00,1200.00,Yes
G-007,Female,60,Two year,Credit card (automatic),100.00,6000.00,No
H-008,Male,13,One year,Bank transfer (automatic),55.00,715.00,Yes
""")
    same = {"revenue_at_risk": 255.0, "average_tenure": 24.0, "contract:revenue_at_risk:Month-to-month": 160.0}
    return {
        "2026-12": {"churn_rate": 4 / 7, **same,
                    "tenure_band:churn_rate:0-12": 2 / 3, "tenure_band:churn_rate:13-24": 0.5,
                    "tenure_band:churn_rate:25-48": 1.0, "tenure_band:churn_rate:49+": 0.0,
                    "contract:churn_rate:Month-to-month": 1.0, "contract:churn_rate:One year": 0.5,
                    "contract:churn_rate:Two year": 1 / 3,
                    "payment_method:churn_rate:Electronic check": 1.0,
                    "payment_method:churn_rate:Mailed check": 1.0,
                    "payment_method:churn_rate:Bank transfer (automatic)": 0.5,
                    "payment_method:churn_rate:Credit card (automatic)": 0.0},
        QUARTER: {"churn_rate": 4 / 6, **same},
        YEAR: {"churn_rate": 4 / 5, **same},
    }


def campaign_responses(folder: Path) -> dict[str, dict[str, float]]:
    """A campaign response list in long form: one row per customer and campaign contact.

    October: campaign A (wines, cost 3 a contact) reaches K1-K4, K1 accepts (revenue 11), K3
    complains; campaign D (meat, cost 2) reaches K1 and K5, K5 accepts (11). 6 contacts, 2
    responses -> 1/3 (A 1/4, D 1/2); cost 12 + 4 = 16 -> 8 a response; ROI (22 - 16) / 16 =
    0.375; spend 16, wines 12/16 and meat 4/16 of it; complaints 1/6.
    Q4 adds November's campaign B (meat, 3 a contact): K2 accepts (11), K6 does not; K7 in
    December is a control, not contacted (no cost). 8 contacts, 3 responses -> 3/8 (B 1/2);
    cost 22 -> 22/3 a response; ROI (33 - 22) / 22 = 0.5; meat 10/22 of spend; complaints 1/8.
    The year adds August's campaign C (fish, 3 a contact) to K1 (complains) and K8, no response:
    10 contacts -> 3/10; cost 28 -> 28/3; ROI 5/28; fish 6/28 of spend; complaints 2/10.
    """
    _csv(folder / "campaign_responses.csv", """
Customer ID,Campaign,Contact Date,Contacted,Accepted,Cost,Revenue,Product Category,Complain
K1,A,2026-10-05,Y,Y,3,11,Wines,0
K2,A,2026-10-05,Y,N,3,0,Wines,0
K3,A,2026-10-05,Y,N,3,0,Wines,1
K4,A,2026-10-06,Y,N,3,0,Wines,0
K1,D,2026-10-20,Y,N,2,0,Meat,0
K5,D,2026-10-20,Y,Y,2,11,Meat,0
K2,B,2026-11-03,Y,Y,3,11,Meat,0
K6,B,2026-11-03,Y,N,3,0,Meat,0
K7,B,2026-12-01,N,N,0,0,Meat,0
K1,C,2026-08-10,Y,N,3,0,Fish,1
K8,C,2026-08-10,Y,N,3,0,Fish,0
""")
    return {
        MONTH: {"campaign_response_rate": 1 / 3, "cost_per_response": 8.0, "campaign_roi": 0.375,
                "campaign_spend": 16.0, "campaign_complaint_rate": 1 / 6,
                "campaign_id:campaign_response_rate:A": 0.25, "campaign_id:campaign_response_rate:D": 0.5,
                "line_of_business:campaign_spend:Wines": 12.0, "share:line_of_business:campaign_spend:Wines": 0.75,
                "share:line_of_business:campaign_spend:Meat": 0.25},
        QUARTER: {"campaign_response_rate": 3 / 8, "cost_per_response": 22 / 3, "campaign_roi": 0.5,
                  "campaign_spend": 22.0, "campaign_complaint_rate": 1 / 8,
                  "campaign_id:campaign_response_rate:B": 0.5,
                  "share:line_of_business:campaign_spend:Meat": 10 / 22},
        YEAR: {"campaign_response_rate": 3 / 10, "cost_per_response": 28 / 3, "campaign_roi": 5 / 28,
               "campaign_spend": 28.0, "campaign_complaint_rate": 2 / 10,
               "share:line_of_business:campaign_spend:Fish": 6 / 28},
    }


WIDE_HEADER = ("ID Year_Birth Education Marital_Status Income Kidhome Teenhome Dt_Customer Recency MntWines "
               "MntFruits MntMeatProducts MntFishProducts MntSweetProducts MntGoldProds NumDealsPurchases "
               "NumWebPurchases NumCatalogPurchases NumStorePurchases NumWebVisitsMonth AcceptedCmp3 AcceptedCmp4 "
               "AcceptedCmp5 AcceptedCmp1 AcceptedCmp2 Complain Z_CostContact Z_Revenue Response").replace(" ", "\t")


def wide_campaigns(folder: Path) -> dict[str, dict[str, float]]:
    """The marketing-campaign customer list, tab-separated as published: one row per customer,
    a 0/1 per campaign (AcceptedCmp3, 4, 5, 1, 2 in that order, Response the last campaign),
    Complain, 3 a contact (Z_CostContact), 11 an accepted offer (Z_Revenue). Reported as of
    2026-11-30, every contact falls in November, so month, quarter and year agree.

    Accepted: Campaign 1 by 6182 and 5324 -> 2/8; Campaign 2 by 7446 -> 1/8; Campaign 3 none
    -> 0/8; Campaign 4 by 4141, 6182, 7446 -> 3/8; Campaign 5 by 6182, 7446, and 6177's flag
    is blank (not known, not counted) -> 2/7; Last campaign by 5524, 6182, 7446, 6177 -> 4/8.
    47 contacts, 12 acceptances -> 12/47. Cost 47 x 3 = 141 -> 141/12 = 11.75 a response
    (Campaign 5 21/2, Last campaign 24/4); revenue 12 x 11 = 132 -> ROI (132 - 141) / 141 =
    -9/141 (Last campaign (44 - 24) / 24). 4141 complained: its 6 contacts -> 6/47.
    """
    rows = [  # ID, Income, Dt_Customer, Cmp3, Cmp4, Cmp5, Cmp1, Cmp2, Complain, Response
        ("5524", "58138", "04-09-2012", "0", "0", "0", "0", "0", "0", "1"),
        ("2174", "46344", "08-03-2014", "0", "0", "0", "0", "0", "0", "0"),
        ("4141", "71613", "21-08-2013", "0", "1", "0", "0", "0", "1", "0"),
        ("6182", "26646", "10-02-2014", "0", "1", "1", "1", "0", "0", "1"),
        ("5324", "", "19-01-2014", "0", "0", "0", "1", "0", "0", "0"),
        ("7446", "62513", "09-09-2013", "0", "1", "1", "0", "1", "0", "1"),
        ("965", "55635", "13-11-2012", "0", "0", "0", "0", "0", "0", "0"),
        ("6177", "33454", "08-05-2013", "0", "0", "", "0", "0", "0", "1"),
    ]
    lines = [WIDE_HEADER]
    for i, (cid, income, joined, c3, c4, c5, c1, c2, complain, response) in enumerate(rows):
        lines.append("\t".join([cid, str(1950 + i), "Graduation", "Single", income, "0", "1", joined, str(10 * i),
                                 "635", "88", "546", "172", "88", "88", "3", "8", "10", "4", "7",
                                 c3, c4, c5, c1, c2, complain, "3", "11", response]))
    _csv(folder / "marketing_campaign.csv", "\n".join(lines))
    figures = {"campaign_response_rate": 12 / 47, "cost_per_response": 11.75, "campaign_roi": -9 / 141,
               "campaign_spend": 141.0, "campaign_complaint_rate": 6 / 47,
               "campaign_id:campaign_response_rate:Campaign 1": 0.25,
               "campaign_id:campaign_response_rate:Campaign 2": 0.125,
               "campaign_id:campaign_response_rate:Campaign 3": 0.0,
               "campaign_id:campaign_response_rate:Campaign 4": 0.375,
               "campaign_id:campaign_response_rate:Campaign 5": 2 / 7,
               "campaign_id:campaign_response_rate:Last campaign": 0.5,
               "campaign_id:cost_per_response:Campaign 5": 10.5, "campaign_id:cost_per_response:Last campaign": 6.0,
               "campaign_id:campaign_roi:Last campaign": 5 / 6}
    return {"2026-11": figures, QUARTER: figures, YEAR: figures}
