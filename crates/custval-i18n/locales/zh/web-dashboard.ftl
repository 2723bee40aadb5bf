# web-dashboard
