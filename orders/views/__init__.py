"""Pages of the orders app: orders, finance, customers, the dashboard and reports."""
