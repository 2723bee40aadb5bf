# web-accounts：预警页、大客户列表、客户页的大客户管理面板和客户计划编辑页。

## 标签（custval-web i18n.rs 的 Msg）
web-AlertOwner = 客户负责人
web-AlertWhat = 预警内容
web-AlertAction = 建议行动
web-AlertsGrouped = 按客户分组：客户按其最严重的预警排序，同等严重时涉及金额大的在前。
web-PagesNav = 分页
web-DateHint = 如 2026-01-15
web-SuggestionCode = 代码

## 预警依据中的指标名
web-acc-ev-at_stake = 涉及金额
web-acc-ev-at_stake_basis = 金额口径
web-acc-ev-value = 客户价值
web-acc-ev-material_value = 重要性门槛（客户价值）
web-acc-ev-critical_at_stake = 严重预警门槛（涉及金额）
web-acc-ev-previous_tier = 上次等级
web-acc-ev-current_tier = 本次等级
web-acc-ev-previous_class = 上次分类
web-acc-ev-current_class = 本次分类
web-acc-ev-previous_score = 上次得分
web-acc-ev-current_score = 本次得分
web-acc-ev-current = 本次
web-acc-ev-previous = 上次
web-acc-ev-change = 变化
web-acc-ev-threshold = 阈值
web-acc-ev-max_relative_drop = 允许的最大降幅
web-acc-ev-compared_with = 对比期
web-acc-ev-floor = 下限（天）
web-acc-ev-top_share = 前列比例
web-acc-ev-risk = 风险等级

## 涉及金额的口径
web-acc-basis-spend_12m_previous_run = 上次评估时的近12个月消费
web-acc-basis-spend_12m_previous_run_x_p_alive_fall = 上次评估时的近12个月消费 × 存活概率降幅
web-acc-basis-spend_fall = 近12个月消费的降幅
web-acc-basis-spend_12m = 近12个月消费
web-acc-basis-clv = 客户终身价值

## 消费下滑的对比期
web-acc-base-previous_12_months = 前12个月
web-acc-base-previous_run = 上次评估时的近12个月

## SWOT 建议所依据的指标
web-acc-figure-gross_margin_percentile = 毛利率百分位
web-acc-figure-tenure_days = 合作天数
web-acc-figure-nps = NPS 评分
web-acc-figure-csat = 满意度评分
web-acc-figure-net_contribution_12m = 近12个月净贡献
web-acc-figure-clv_12m = 未来12个月客户终身价值
web-acc-figure-avg_payment_delay_days = 平均付款延迟（天）
web-acc-figure-payment_delay_trend_days = 付款延迟变化（天）
web-acc-figure-sales_cost_share = 销售成本占收入比例
web-acc-figure-service_cost_share = 服务成本占收入比例
web-acc-figure-share_of_wallet = 客户份额
web-acc-figure-peer_penetration = 可比客户购买率
web-acc-figure-rule_confidence = 关联规则置信度
web-acc-figure-p_alive_drop = 存活概率降幅
web-acc-figure-satisfaction_drop = 满意度降幅
web-acc-figure-spend_drop = 消费降幅
web-acc-figure-complaints_12m = 近12个月投诉次数

## 客户计划的问题（按行号，1 为第一行）
web-acc-field-next_review = 下次复盘
web-acc-field-goal = 第 { $n } 条目标
web-acc-field-action-date = 第 { $n } 条已采取行动的日期
web-acc-field-swot = { $quadrant }第 { $n } 行
web-acc-plan-bad-date = { $field }：“{ $value }”不是有效日期（应写作 2026-01-15 的形式）
web-acc-plan-empty-action = 第 { $n } 条已采取行动没有填写内容
web-acc-plan-blank = { $field }为空
web-acc-plan-review-before = 下次复盘日期 { $review } 早于最近一次行动的日期 { $last }
web-acc-plan-no-customer = 客户计划未指明客户
