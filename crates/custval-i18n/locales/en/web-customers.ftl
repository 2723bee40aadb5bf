# web-customers
