//! The names a formula may use: built-in numeric features, class (text) variables and the
//! result variables of a run.
//!
//! These lists are the contract between the configuration and the engine. Their **order is
//! the slot order** of [`crate::formula::Scope::builtin`]: numeric slots are the features in
//! [`BUILTIN_FEATURES`] order, then the indicators in file order, then [`RESULT_VARIABLES`];
//! text slots are [`CLASS_VARIABLES`] in order. The engine fills its per-customer rows in
//! the same order, so a formula compiled here reads the right figure without a name lookup
//! per customer.
//!
//! Every feature is computed by the engine *as of the evaluation date* (windows end at the
//! as-of date, nothing after it is read), which is what keeps user formulas free of leakage.

/// A built-in per-customer numeric feature.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FeatureInfo {
    /// The name used in formulas and as a default indicator id.
    pub id: &'static str,
    /// English label.
    pub label_en: &'static str,
    /// Chinese label.
    pub label_zh: &'static str,
    /// Unit: `money` (the data's currency), `count`, `days`, `ratio` (a share, usually 0–1),
    /// `probability`, `score` (survey scale) or `growth` (relative change, 0.1 = +10 %).
    pub unit: &'static str,
    /// How the engine computes it.
    pub description: &'static str,
}

const fn f(
    id: &'static str,
    label_en: &'static str,
    label_zh: &'static str,
    unit: &'static str,
    description: &'static str,
) -> FeatureInfo {
    FeatureInfo {
        id,
        label_en,
        label_zh,
        unit,
        description,
    }
}

/// Every built-in feature, in slot order.
#[rustfmt::skip]
pub const BUILTIN_FEATURES: &[FeatureInfo] = &[
    f("spend_12m", "12-month spend", "近12个月消费额", "money",
      "Net amount of orders in the 12 months up to the as-of date (refunds netted)."),
    f("orders_12m", "12-month orders", "近12个月订单数", "count",
      "Orders in the 12 months up to the as-of date."),
    f("aov_12m", "Average order value", "客单价", "money",
      "spend_12m / orders_12m; missing without orders."),
    f("categories_12m", "Categories bought", "购买品类数", "count",
      "Distinct product categories bought in the 12 months."),
    f("gross_profit_12m", "12-month gross profit", "近12个月毛利", "money",
      "Spend minus cost of goods over the 12 months; missing without cost data."),
    f("gross_margin_12m", "Gross margin", "毛利率", "ratio",
      "gross_profit_12m / spend_12m; missing without cost data or spend."),
    f("sales_cost_12m", "Sales cost", "销售成本", "money",
      "Cost of selling to the customer over the 12 months (costs table)."),
    f("service_cost_12m", "Service cost", "服务成本", "money",
      "Cost of serving the customer over the 12 months (costs table)."),
    f("net_contribution_12m", "Net contribution", "净贡献", "money",
      "Gross profit (spend times the configured margin without cost data) minus sales and service cost; negative for loss-making customers."),
    f("tenure_days", "Tenure", "合作时长", "days",
      "Days from the first contact, signup or order (the earliest) to the as-of date."),
    f("recency_days", "Days since last order", "距最近购买天数", "days",
      "Days from the last order to the as-of date; missing without orders."),
    f("orders_total", "Orders to date", "累计订单数", "count",
      "All orders up to the as-of date."),
    f("spend_total", "Spend to date", "累计消费额", "money",
      "Net amount of all orders up to the as-of date."),
    f("returns_12m", "Returns", "退货次数", "count",
      "Returned orders or refunds in the 12 months."),
    f("renewal_rate", "Contract renewal rate", "续签率", "ratio",
      "Share of contracts ending up to the as-of date that were renewed; missing without contracts."),
    f("payment_on_time_rate", "On-time payment rate", "付款及时率", "ratio",
      "Share of invoices due in the 12 months paid by their due date; missing without payments."),
    f("avg_payment_delay_days", "Average payment delay", "平均付款延迟天数", "days",
      "Mean days paid after the due date (0 when on time) over invoices due in the 12 months."),
    f("overdue_amount", "Overdue amount", "逾期金额", "money",
      "Invoices past due and unpaid at the as-of date."),
    f("spend_6m", "6-month spend", "近6个月消费额", "money",
      "Net amount of orders in the last 6 months."),
    f("spend_prev_6m", "Previous 6-month spend", "前6个月消费额", "money",
      "Net amount of orders in the 6 months before the last 6."),
    f("spend_growth_6m", "6-month spend growth", "近半年消费增长率", "growth",
      "spend_6m / spend_prev_6m − 1; missing when the previous 6 months had no spend."),
    f("industry_growth", "Industry growth", "行业增长率", "growth",
      "Growth rate of the customer's industry for the latest period up to the as-of date (external data)."),
    f("inquiries_12m", "New-business inquiries", "新业务咨询次数", "count",
      "Inquiries about new business in the 12 months (interactions)."),
    f("referrals_12m", "Referrals", "推荐次数", "count",
      "Referrals the customer made in the 12 months (interactions)."),
    f("complaints_12m", "Complaints", "投诉次数", "count",
      "Complaints in the 12 months (interactions)."),
    f("tickets_12m", "Service tickets", "服务工单数", "count",
      "Service tickets in the 12 months (interactions)."),
    f("csat", "Satisfaction (CSAT)", "满意度", "score",
      "Latest satisfaction score up to the as-of date (surveys); missing without a survey."),
    f("nps", "Net promoter score", "净推荐值", "score",
      "Latest 0–10 recommendation score up to the as-of date (surveys)."),
    f("p_alive", "Probability alive", "活跃概率", "probability",
      "Probability the customer is still active, from the CLV model fitted on data up to the as-of date."),
    f("expected_purchases_12m", "Expected purchases", "预计购买次数", "count",
      "Purchases the CLV model expects over the CLV horizon."),
    f("clv_12m", "Customer lifetime value", "客户终身价值", "money",
      "Discounted profit the CLV model expects over the CLV horizon."),
    f("cross_sell_gap", "Cross-sell gap", "交叉销售空间", "count",
      "Categories commonly bought by same-industry peers that this customer has not bought."),
    f("wallet", "Wallet", "客户钱包", "money",
      "Customer's total annual spend in the category: from the customers table, else estimated from comparable customers."),
    f("share_of_wallet", "Share of wallet", "客户份额", "ratio",
      "spend_12m / wallet."),
    f("wallet_gap", "Wallet gap", "钱包差距", "money",
      "wallet − spend_12m (not below 0): business the customer gives to others (strategic value)."),
    f("frequency", "Repeat purchase days", "重复购买次数", "count",
      "Distinct purchase days after the first up to the as-of date (the CLV models' x)."),
    f("t_x_days", "Time of last repeat purchase", "最后一次重复购买时点", "days",
      "Days from the first to the last purchase day (the CLV models' t_x)."),
    f("age_days", "Customer age", "客户年龄", "days",
      "Days from the first purchase to the as-of date (the CLV models' T)."),
    f("spend_prev_12m", "Spend, same period last year", "上年同期消费额", "money",
      "Net amount of orders in the 12 months before the last 12 (what spend alerts compare with)."),
    f("mean_interpurchase_days", "Mean time between orders", "平均购买间隔", "days",
      "t_x_days / (orders_total − 1): the customer's own purchase rhythm; missing for one-time buyers."),
    f("recency_ratio", "Recency against rhythm", "购买间隔倍数", "ratio",
      "recency_days / expected gap: the customer's mean time between orders, else the base's median of it (one-time buyers); above 2 is lapsed."),
];

/// A text variable a formula may compare with `==` / `!=`, with its known values when the
/// set is fixed (used to catch typos such as `tier == 'D'`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ClassVariable {
    /// The name used in formulas and in playbook classes (`"value_class:secondary"`).
    pub name: &'static str,
    /// English label.
    pub label_en: &'static str,
    /// Chinese label.
    pub label_zh: &'static str,
    /// The fixed set of values, or `None` for free text from the data (industry, region, …).
    pub values: Option<&'static [&'static str]>,
    /// Known before the scores are computed, so indicator formulas may use it. Tiers and
    /// classes come from the scores and are usable only in action rules.
    pub input: bool,
}

/// ABC tiers.
pub const TIER_VALUES: &[&str] = &["A", "B", "C"];
/// Value × potential classes: most valuable, secondary, maintain, negative value.
pub const VALUE_CLASS_VALUES: &[&str] =
    &["most_valuable", "secondary", "maintain", "negative_value"];
/// Potential tiers.
pub const POTENTIAL_TIER_VALUES: &[&str] = &["high", "medium", "low"];
/// Lifecycle stages, in lifecycle order.
pub const LIFECYCLE_VALUES: &[&str] = &[
    "prospect",
    "new",
    "growing",
    "loyal",
    "declining",
    "churned",
];
/// Profitability × loyalty quadrants.
pub const PROFIT_LOYALTY_VALUES: &[&str] = &[
    "true_friend",
    "butterfly",
    "barnacle",
    "stranger",
    "not_classified",
];

/// Every text variable, in slot order.
#[rustfmt::skip]
pub const CLASS_VARIABLES: &[ClassVariable] = &[
    ClassVariable { name: "tier", label_en: "Tier", label_zh: "客户等级", values: Some(TIER_VALUES), input: false },
    ClassVariable { name: "value_class", label_en: "Value class", label_zh: "价值类别", values: Some(VALUE_CLASS_VALUES), input: false },
    ClassVariable { name: "potential_tier", label_en: "Potential tier", label_zh: "潜力等级", values: Some(POTENTIAL_TIER_VALUES), input: false },
    ClassVariable { name: "lifecycle", label_en: "Lifecycle stage", label_zh: "生命周期阶段", values: Some(LIFECYCLE_VALUES), input: true },
    ClassVariable { name: "profit_loyalty", label_en: "Profitability × loyalty", label_zh: "盈利性×忠诚度", values: Some(PROFIT_LOYALTY_VALUES), input: false },
    ClassVariable { name: "industry", label_en: "Industry", label_zh: "行业", values: None, input: true },
    ClassVariable { name: "region", label_en: "Region", label_zh: "地区", values: None, input: true },
    ClassVariable { name: "size", label_en: "Size", label_zh: "规模", values: None, input: true },
    ClassVariable { name: "owner", label_en: "Account owner", label_zh: "客户负责人", values: None, input: true },
    ClassVariable { name: "rfm_segment", label_en: "RFM segment", label_zh: "RFM分群", values: None, input: true },
];

/// A numeric figure of the run itself (scores), available to action rules and as the tier
/// basis but not to indicator formulas (the scores are computed from the indicators).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ResultVariable {
    /// The name used in formulas.
    pub name: &'static str,
    /// English label.
    pub label_en: &'static str,
    /// Chinese label.
    pub label_zh: &'static str,
}

/// The run's scores (0–100 each) and figures relative to the base (0–1), in slot order after
/// the indicators.
#[rustfmt::skip]
pub const RESULT_VARIABLES: &[ResultVariable] = &[
    ResultVariable { name: "score", label_en: "Total score", label_zh: "综合得分" },
    ResultVariable { name: "current_score", label_en: "Current value score", label_zh: "当前价值得分" },
    ResultVariable { name: "potential_score", label_en: "Potential score", label_zh: "潜在价值得分" },
    ResultVariable { name: "payment_delay_percentile", label_en: "Payment delay percentile (share of paying customers paying faster)", label_zh: "付款延迟百分位(付款更快的客户占比)" },
];

/// The built-in feature called `id`.
pub fn feature(id: &str) -> Option<&'static FeatureInfo> {
    BUILTIN_FEATURES.iter().find(|f| f.id == id)
}

/// The class variable called `name`.
pub fn class_variable(name: &str) -> Option<&'static ClassVariable> {
    CLASS_VARIABLES.iter().find(|v| v.name == name)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_unique_snake_case_and_disjoint() {
        let mut all: Vec<&str> = BUILTIN_FEATURES.iter().map(|f| f.id).collect();
        all.extend(CLASS_VARIABLES.iter().map(|v| v.name));
        all.extend(RESULT_VARIABLES.iter().map(|v| v.name));
        let mut sorted = all.clone();
        sorted.sort_unstable();
        sorted.dedup();
        assert_eq!(sorted.len(), all.len());
        for name in all {
            assert!(crate::is_snake_case(name), "{name}");
        }
    }

    #[test]
    fn brief_feature_list_in_order() {
        let ids: Vec<&str> = BUILTIN_FEATURES.iter().map(|f| f.id).collect();
        assert_eq!(ids.len(), 41);
        assert_eq!(ids[0], "spend_12m");
        assert_eq!(ids[37], "age_days");
        assert_eq!(ids[38], "spend_prev_12m");
        // Issue 17: the purchase rhythm.
        assert_eq!(ids[39], "mean_interpurchase_days");
        assert_eq!(ids[40], "recency_ratio");
        assert!(
            BUILTIN_FEATURES
                .iter()
                .all(|f| !f.label_zh.is_empty() && !f.description.is_empty())
        );
    }
}
