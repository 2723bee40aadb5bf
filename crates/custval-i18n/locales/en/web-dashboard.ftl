# web-dashboard: the dashboard (tiles, trends across runs), the runs, config, settings and
# compare pages. Ids `web-KEY` are the web app's `Msg` keys; `web-dash-*` take arguments.

## Tiles
web-DashEvaluatedAt = Evaluated at

## Trends across runs
web-DashTrends = Trends across runs
web-DashTrendsNeedTwo = Trends appear once the store holds two runs.
web-DashTrendTiers = Customers per tier, by run
web-DashTrendTiersDesc = Stacked bars: how many customers each tier held in each of the latest runs.
web-DashTrendSpend = 12-month spend per tier, by run
web-DashTrendSpendDesc = Stacked bars: the 12-month spend of each tier's customers in each of the latest runs.
web-DashTrendAlerts = Alerts per run
web-DashTrendAlertsDesc = Bars: the alerts each run raised, and how many of them are still open.
web-DashAlertsRaised = Raised
web-DashAlertsOpen = Still open
web-DashTrendClv = CLV calibration: predicted vs actual repeat purchases
web-DashTrendClvDesc = Bars: in each run's holdout check, the repeat purchases the purchase model predicted and those customers actually made.
web-DashTrendClvNote = Each run refits the purchase model on the history before a calibration date and predicts the purchases of the holdout that follows; close bars mean a well calibrated CLV.
web-DashNoCalibration = None of these runs holds a holdout check (too little history before the calibration date).
web-DashPredicted = Predicted
web-DashActual = Actual
web-DashMae = Error per customer (MAE)
web-DashHoldoutDays = Holdout (days)
web-DashTotal = Total
web-DashNoFigure = no figure
web-dash-run = Run { $id }
web-dash-tip = { $run } · { $date } · { $what }: { $value }
web-dash-customers = { $n } customers

## Audit log (settings)
web-audit-login = Signed in
web-audit-login_failed = Failed sign-in
web-audit-logout = Signed out
web-audit-add_user = User added
web-audit-update_user = User changed
web-audit-delete_user = User deleted
web-audit-set_password = Password set
web-audit-create_token = API token created
web-audit-revoke_token = API token revoked
web-audit-export_customers = Customers exported
web-audit-export_report = Report exported
web-audit-backup = Backup
web-audit-override-set = Tier overridden
web-audit-override-clear = Override cleared
web-audit-save_account_plan = Account plan saved
web-audit-forget_customer = Customer forgotten
web-audit-acknowledge_alert = Alert acknowledged
web-audit-assign_alert = Alert assigned
web-audit-subject-customer = customer
web-audit-subject-run = run
web-audit-subject-alert = alert
web-audit-key-role = role
web-audit-key-owner_id = owner id
web-audit-key-reason = reason
web-audit-key-format = format
web-audit-key-rows = rows
web-audit-key-assignee = assignee
web-audit-key-token_id = token
web-audit-key-file = file
web-audit-key-output = output
web-audit-key-tier = tier
web-audit-key-until = until
web-audit-value-wrong_password = wrong password
web-audit-value-token_only_user = user without a password (API token only)
web-audit-value-unknown_user = unknown user
