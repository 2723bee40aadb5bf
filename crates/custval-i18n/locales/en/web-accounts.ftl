# web-accounts
