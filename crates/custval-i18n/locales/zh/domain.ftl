# 引擎产生的各类标识（分类、阶段、分群、规则……）的名称。
# 按“类别-标识”查找；没有名称的标识按原样显示。

class-most_valuable = 最有价值客户
class-secondary = 二级客户
class-maintain = 维持客户
class-negative_value = 负值客户

lifecycle-prospect = 潜在客户
lifecycle-new = 新客户
lifecycle-growing = 成长客户
lifecycle-loyal = 忠诚客户
lifecycle-declining = 衰退客户
lifecycle-churned = 流失客户

potential-high = 高潜力
potential-medium = 中潜力
potential-low = 低潜力

loyalty-true_friend = 真正的朋友
loyalty-butterfly = 蝴蝶
loyalty-barnacle = 藤壶
loyalty-stranger = 陌生人
loyalty-not_classified = 未分类

risk-none = 无风险
risk-low = 低风险
risk-medium = 中风险
risk-high = 高风险

goal-acquisition = 获取
goal-conversion = 转化
goal-growth = 增长
goal-retention = 保持
goal-reactivation = 挽回
goal-win_back = 赢回

segment-champions = 冠军客户
segment-cant_lose_them = 不能失去的客户
segment-loyal_customers = 忠诚客户
segment-at_risk = 流失风险客户
segment-new_customers = 新客户
segment-promising = 有潜力的新客户
segment-potential_loyalist = 潜在忠诚客户
segment-need_attention = 需要关注的客户
segment-about_to_sleep = 即将沉睡的客户
segment-lost = 已流失客户
segment-others = 其他

rule-key_account_dropped = 重点客户降级
rule-p_alive_low = 活跃概率过低或下降
rule-spend_drop = 消费下滑
rule-payment_delay_growing = 付款延迟增加
rule-satisfaction_falling = 满意度下降
rule-upgrade_candidate = 升级候选
rule-key_account_risky = 重点客户风险升高

riskrule-payment_delay_increase = 付款延迟增加
riskrule-payment_delay_level = 付款延迟过长
riskrule-overdue_ratio = 逾期发票比例高
riskrule-spend_drop = 消费下滑
riskrule-orders_drop = 订单减少
riskrule-complaints = 投诉较多

severity-critical = 严重
severity-warning = 警告
severity-info = 提示

dimension-value_class = 价值×潜力分类
dimension-lifecycle = 生命周期阶段
dimension-potential_tier = 潜力等级
dimension-profit_loyalty = 盈利性×忠诚度
dimension-cluster = 行为特征聚类
dimension-rfm = RFM 分群
dimension-rfm_segment = RFM 分群
dimension-value = 价值
dimension-potential = 潜力
dimension-current = 当前价值

method-score = 综合得分
method-rfm = RFM 得分
method-clv = CLV

direction-benefit = 效益型（越大越好）
direction-cost = 成本型（越小越好）

model-bgnbd = BG/NBD
model-mbgnbd = MBG/NBD
model-pnbd = Pareto/NBD
model-bgbb = BG/BB
model-gg = Gamma-Gamma
model-sbg = sBG

cluster-none = 未聚类（无购买记录）
