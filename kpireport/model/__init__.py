"""The semantic model: what one row of each table is, and how the tables relate.

Stage between validate and compute. Real exports are relational: a shop's order lines, order
headers, customers, products and returns come as separate files; a CRM's deals point at a
sales-teams file. `apply_model` joins them by key on the embedded relational engine (DuckDB),
so the catalog's tables (orders, customers, surveys, opportunities) carry what their measures
and breakdowns need: an order line gets its order's date and status, the customer's region,
the product's category. Every join, derivation and duplicate is said in the problems list.

The tables, keys and relationships are data (`data/tables.yaml`: key, unique, references,
header, completed_by), not code.
"""

from .build import apply_model

__all__ = ["apply_model"]
