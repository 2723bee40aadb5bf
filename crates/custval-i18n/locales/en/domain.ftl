# Names of the ids the engine produces (classes, stages, segments, rules, ...).
# A name is looked up as KIND-ID; an id without a name is shown as given.

class-most_valuable = most valuable customer
class-secondary = secondary customer
class-maintain = maintain customer
class-negative_value = negative-value customer

lifecycle-prospect = prospect
lifecycle-new = new customer
lifecycle-growing = growing customer
lifecycle-loyal = loyal customer
lifecycle-declining = declining customer
lifecycle-churned = churned customer

potential-high = high potential
potential-medium = medium potential
potential-low = low potential

loyalty-true_friend = true friend
loyalty-butterfly = butterfly
loyalty-barnacle = barnacle
loyalty-stranger = stranger
loyalty-not_classified = not classified

risk-none = no risk
risk-low = low risk
risk-medium = medium risk
risk-high = high risk

goal-acquisition = acquisition
goal-conversion = conversion
goal-growth = growth
goal-retention = retention
goal-reactivation = reactivation
goal-win_back = win-back

segment-champions = Champions
segment-cant_lose_them = Can't Lose Them
segment-loyal_customers = Loyal Customers
segment-at_risk = At Risk
segment-new_customers = New Customers
segment-promising = Promising
segment-potential_loyalist = Potential Loyalist
segment-need_attention = Need Attention
segment-about_to_sleep = About To Sleep
segment-lost = Lost
segment-others = Others

rule-key_account_dropped = Key account dropped a tier
rule-p_alive_low = P(alive) low or falling
rule-spend_drop = Spend dropped
rule-payment_delay_growing = Payment delays growing
rule-satisfaction_falling = Satisfaction falling
rule-upgrade_candidate = Upgrade candidate
rule-key_account_risky = Key account at risk

riskrule-payment_delay_increase = payment delays growing
riskrule-payment_delay_level = long payment delays
riskrule-overdue_ratio = many overdue invoices
riskrule-spend_drop = spend dropped
riskrule-orders_drop = fewer orders
riskrule-complaints = many complaints

severity-critical = critical
severity-warning = warning
severity-info = info

dimension-value_class = Value × potential class
dimension-lifecycle = Lifecycle stage
dimension-potential_tier = Potential tier
dimension-profit_loyalty = Profitability × loyalty
dimension-cluster = Behavioural cluster
dimension-rfm = RFM segment
dimension-rfm_segment = RFM segment
dimension-value = Value
dimension-potential = Potential
dimension-current = Current value

method-score = Overall score
method-rfm = RFM score
method-clv = CLV

direction-benefit = benefit (higher is better)
direction-cost = cost (lower is better)

model-bgnbd = BG/NBD
model-mbgnbd = MBG/NBD
model-pnbd = Pareto/NBD
model-bgbb = BG/BB
model-gg = Gamma-Gamma
model-sbg = sBG

cluster-none = not clustered (no purchases)
