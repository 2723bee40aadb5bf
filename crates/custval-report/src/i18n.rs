//! Every label of the report in English and Chinese, keyed by [`Msg`].
//!
//! Design choices:
//! - **An enum key, not string ids**: a misspelt key is a compile error, and [`Msg::ALL`] lets a
//!   test check that no label is missing in either language.
//! - **One `match` holds both languages side by side**, so a translator sees each pair together.
//! - Known ids from the data (classification dimensions, weight directions) are translated by
//!   [`dimension_name`] and [`direction_name`]; unknown ids are shown as given rather than hidden.

use serde::{Deserialize, Serialize};

/// The language a report is rendered in. English is the default.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Lang {
    /// English, `¥1,234,567`.
    #[default]
    En,
    /// Simplified Chinese, `¥123.5万`.
    Zh,
}

impl Lang {
    /// How money cells write large amounts in this language.
    pub fn big_amounts(self) -> custval_base::format::BigAmounts {
        match self {
            Lang::En => custval_base::format::BigAmounts::Grouped,
            Lang::Zh => custval_base::format::BigAmounts::WanYi,
        }
    }

    /// The HTML `lang` attribute value.
    pub fn html_tag(self) -> &'static str {
        match self {
            Lang::En => "en",
            Lang::Zh => "zh-CN",
        }
    }
}

macro_rules! messages {
    ($($key:ident => $en:expr, $zh:expr;)*) => {
        /// A label of the report. [`Msg::text`] gives it in one language.
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
        pub enum Msg {
            $(
                #[allow(missing_docs)]
                $key,
            )*
        }

        impl Msg {
            /// Every label, for completeness tests.
            pub const ALL: &'static [Msg] = &[$(Msg::$key),*];

            /// The label in `lang`.
            pub fn text(self, lang: Lang) -> &'static str {
                let (en, zh) = match self {
                    $(Msg::$key => ($en, $zh),)*
                };
                match lang {
                    Lang::En => en,
                    Lang::Zh => zh,
                }
            }
        }
    };
}

messages! {
    ReportTitle => "Customer evaluation report", "客户价值评估报告";
    Contents => "Contents", "目录";
    Colon => ": ", "：";
    SecSummary => "Summary", "摘要";
    SecRules => "How tiers and classes are decided", "分级与分类规则";
    SecWeights => "Indicator weights", "指标权重";
    SecClv => "CLV model", "客户终身价值（CLV）模型";
    SecCharts => "Charts", "图表";
    SecBudget => "Budget allocation", "预算分配";
    SecTop => "Top customers and next actions", "重点客户与建议行动";
    SecNotes => "Alerts and notes", "预警与备注";

    Run => "Run", "评估批次";
    AsOf => "As of", "评估基准日";
    CreatedAt => "Created", "生成时间";
    Customers => "Customers", "客户数";
    RunTime => "Run time", "运行耗时";
    SecondsUnit => " s", " 秒";
    Configuration => "Configuration", "配置";
    Item => "Item", "项目";
    Value => "Value", "价值";

    AbcTiers => "ABC tiers", "ABC 分级";
    Tier => "Tier", "等级";
    CustomerShare => "Share of customers", "客户占比";
    ValueShare => "Share of value", "价值占比";
    Rule => "Rule", "规则";
    Total => "Total", "合计";
    Dimension => "Dimension", "维度";
    Class => "Class", "类别";
    Label => "Name", "名称";
    Playbook => "Playbook", "策略";
    NoPlaybook => "No playbook configured.", "未配置策略。";

    Indicator => "Indicator", "指标";
    Method => "Method", "方法";
    Weight => "Weight", "权重";
    Direction => "Direction", "方向";
    Normalization => "Normalization", "标准化方法";
    Note => "Note", "说明";

    Model => "Model", "模型";
    Parameter => "Parameter", "参数";
    Estimate => "Estimate", "估计值";
    LogLikelihood => "Log-likelihood", "对数似然";
    Converged => "Converged", "是否收敛";
    Yes => "yes", "是";
    No => "no", "否";
    NoClvModel => "No CLV model was fitted in this run.", "本次评估未拟合 CLV 模型。";
    NotConverged => "The optimizer did not converge: treat CLV figures with caution.",
        "优化未收敛：CLV 结果仅供参考。";
    Calibration => "Calibration against the holdout period", "校准期与验证期对比";
    Bucket => "Bucket", "分组";
    Predicted => "Predicted", "预测";
    Actual => "Actual", "实际";
    Difference => "Difference", "差异";

    ChartTiers => "Tier distribution", "客户分级分布";
    ChartTiersDesc => "Share of customers and share of value per tier",
        "各等级的客户占比与价值占比";
    ChartPareto => "Pareto curve", "帕累托曲线";
    ChartParetoDesc => "Cumulative share of value against cumulative share of customers, largest customers first",
        "按价值从高到低排序的客户累计占比与累计价值占比";
    ChartScatter => "Value × potential", "价值×潜力矩阵";
    ChartScatterDesc => "Each point is a customer, coloured by class; dashed lines are the cuts",
        "每个点代表一位客户，颜色表示类别，虚线为分界线";
    ChartRfm => "RFM heatmap", "RFM 热力图";
    ChartRfmDesc => "Customers per recency × frequency cell, darker means more; mean monetary below the count",
        "各 R×F 单元格的客户数（颜色越深越多），下方为平均消费金额";
    ChartClv => "CLV distribution", "CLV 分布";
    ChartClvDesc => "Customers per CLV range", "各 CLV 区间的客户数";
    ChartWeights => "Weights by indicator", "各指标权重";
    ChartBudget => "Budget by class", "各类别预算";
    TableView => "Table view", "数据表";
    NoData => "No data.", "无数据。";
    ScatterSummaryNote => "Points summarised per class and quadrant", "按类别与象限汇总的点";

    CumCustomers => "Cumulative share of customers", "累计客户占比";
    CumValue => "Cumulative share of value", "累计价值占比";
    Line80 => "80% of value", "80% 价值";
    ParetoReach => "Share of customers making 80% of value", "贡献 80% 价值的客户占比";
    ValueScore => "Current value score", "当前价值得分";
    PotentialScore => "Potential score", "潜力得分";
    Cut => "cut", "分界";
    Points => "Points", "点数";
    MeanValueScore => "Mean value score", "平均价值得分";
    MeanPotentialScore => "Mean potential score", "平均潜力得分";
    HighValueHighPotential => "High value, high potential", "高价值高潜力";
    HighValueLowPotential => "High value, low potential", "高价值低潜力";
    LowValueHighPotential => "Low value, high potential", "低价值高潜力";
    LowValueLowPotential => "Low value, low potential", "低价值低潜力";
    RecencyScore => "Recency score (R)", "最近购买得分 (R)";
    FrequencyScore => "Frequency score (F)", "购买频率得分 (F)";
    MeanMonetary => "Mean monetary", "平均消费金额";
    ClvRange => "CLV range", "CLV 区间";
    From => "From", "下限";
    To => "To", "上限";

    Amount => "Amount", "金额";
    Share => "Share", "占比";
    Basis => "Basis", "依据";

    Rank => "#", "序号";
    CustomerId => "Customer ID", "客户编号";
    ValueClass => "Value class", "价值类别";
    Lifecycle => "Lifecycle", "生命周期";
    Score => "Score", "综合得分";
    ValueScoreShort => "Value score", "价值得分";
    PotentialScoreShort => "Potential score", "潜力得分";
    Clv => "CLV", "CLV";
    PAlive => "P(alive)", "活跃概率";
    Actions => "Next actions", "建议行动";

    Alerts => "Alerts", "预警";
    Notes => "Notes", "备注";
    NoNotes => "No alerts or notes.", "无预警或备注。";
    GeneratedBy => "Generated by custval", "由 custval 生成";

    SecDynamics => "Dynamics", "动态管理";
    DynamicsIntro => "What changed since the previous run, what needs attention, and how well the rankings predicted realized value.",
        "与上一批次相比的变化、需要关注的客户，以及排序对实际价值的预测效果。";
    Migration => "Tier migration", "等级迁移";
    MigrationSince => "Tier migration since run", "等级迁移：对比批次";
    Stayed => "Stayed", "等级不变";
    Upgraded => "Moved up", "升级";
    Downgraded => "Moved down", "降级";
    Entered => "Entered", "新进入";
    Left => "Left", "流失";
    NoMigration => "No previous run to compare with: migrations are shown from the second run on.",
        "没有可对比的上一批次：从第二次评估起显示等级迁移。";
    ChartMigration => "Migration matrix", "迁移矩阵";
    ChartMigrationDesc => "Customers per previous tier (rows) and current tier (columns), darker means more; share of value below the count",
        "各上期等级（行）与本期等级（列）组合的客户数（颜色越深越多），下方为价值占比";
    ChartFlows => "Tier flows", "等级流向";
    ChartFlowsDesc => "Customers flowing from each tier of the previous run (left) to each tier of this run (right); band width is the number of customers",
        "客户从上期各等级（左）流向本期各等级（右），带宽表示客户数";
    PreviousTier => "Tier in the previous run", "上期等级";
    CurrentTier => "Tier in this run", "本期等级";
    PreviousRun => "Previous run", "上期";
    ThisRun => "This run", "本期";
    NoneFrom => "New", "新客户";
    NoneTo => "Gone", "已流失";
    MatrixCorner => "Previous \\ current", "上期 \\ 本期";
    MigrationShareNote => "Shares of value are of this run's total value, except in the Gone column: of the previous run's.",
        "价值占比以本期总价值为基数，“已流失”列以上期总价值为基数。";
    StayedOutline => "Outlined cells: customers who stayed in their tier.", "描边单元格：等级不变的客户。";
    ShareOfPrevious => "Share of the previous tier", "占上期等级比例";
    Hysteresis => "Hysteresis", "迟滞（防频繁变动）";
    RunAlerts => "Alerts of this run", "本批次预警";
    NoRunAlerts => "No alerts in this run.", "本批次无预警。";
    AlertsShown => "Most severe alerts shown", "列出最严重的预警";
    Severity => "Severity", "严重程度";
    WhatHappened => "What happened", "情况";
    SuggestedAction => "Suggested action", "建议行动";
    SevCritical => "Critical", "严重";
    SevWarning => "Warning", "警告";
    SevInfo => "Info", "提示";
    Overrides => "Manual tier overrides in force", "生效中的人工等级调整";
    NoOverrides => "No manual overrides in force.", "无生效中的人工调整。";
    Author => "Author", "调整人";
    Reason => "Reason", "原因";
    Until => "Until", "有效期至";
    UntilCleared => "until cleared", "直至撤销";
    Backtest => "Backtest", "回测";
    BacktestIntro => "Each ranking at the as-of date against the value customers actually brought in the following horizon.",
        "以基准日的各种排序，对比客户在随后观察期内实际带来的价值。";
    NoBacktest => "No backtest in this report.", "本报告未包含回测。";
    Horizon => "Horizon", "观察期";
    DaysUnit => " days", " 天";
    Gini => "Gini", "基尼系数";
    Auc => "AUC", "AUC";
    Spearman => "Spearman ρ", "斯皮尔曼相关系数";
    TopShare => "Value in top 20%", "前20%客户价值占比";
    Best => "best", "最佳";
    ChartLift => "Lift by decile", "十分位提升度";
    ChartLiftDesc => "Each predicted decile's share of realized value ÷ 10%, highest scores first; the dashed line at 1 is a random ranking",
        "按预测排序分为十组，各组实际价值占比 ÷ 10%，第 1 组得分最高；虚线 1 表示随机排序";
    Decile => "Decile", "十分位组";
    DecileAxis => "Predicted decile (1 = highest score)", "预测十分位组（1 = 得分最高）";
    Lift => "Lift", "提升度";
    RandomLine => "random = 1", "随机 = 1";
    SheetMigration => "Migration", "等级迁移";
    SheetAlerts => "Alerts", "预警";
    SheetBacktest => "Backtest", "回测";
    SheetOverrides => "Overrides", "人工调整";

    SheetSummary => "Summary", "摘要";
    SheetTiers => "Tiers", "客户分级";
    SheetClasses => "Classes", "客户分类";
    SheetWeights => "Weights", "权重";
    SheetBudget => "Budget", "预算";
    SheetTop => "Top customers", "重点客户";
    SheetCalibration => "CLV calibration", "CLV校准";
    Seconds => "Seconds", "耗时（秒）";
    Alert => "Alert", "预警";
    PlaybookField => "Playbook field", "策略项";
}

/// Heading for a classification dimension id; unknown ids are returned as given.
pub fn dimension_name(lang: Lang, id: &str) -> &str {
    let (en, zh) = match id {
        "value_class" => ("Value × potential class", "价值×潜力分类"),
        "lifecycle" => ("Lifecycle stage", "生命周期阶段"),
        "potential_tier" => ("Potential tier", "潜力等级"),
        "profit_loyalty" => ("Profitability × loyalty", "盈利性×忠诚度"),
        "cluster" => ("Behavioural cluster", "行为特征聚类"),
        "rfm" | "rfm_segment" => ("RFM segment", "RFM 分群"),
        "value" => ("Value", "价值"),
        "potential" => ("Potential", "潜力"),
        _ => return id,
    };
    match lang {
        Lang::En => en,
        Lang::Zh => zh,
    }
}

/// Name of an alert rule id; unknown ids are returned as given.
pub fn rule_name(lang: Lang, id: &str) -> &str {
    let (en, zh) = match id {
        "key_account_dropped" => ("Key account dropped a tier", "重点客户降级"),
        "p_alive_low" => ("P(alive) low or falling", "活跃概率过低或下降"),
        "spend_drop" => ("Spend dropped", "消费下滑"),
        "payment_delay_growing" => ("Payment delays growing", "付款延迟增加"),
        "satisfaction_falling" => ("Satisfaction falling", "满意度下降"),
        "upgrade_candidate" => ("Upgrade candidate", "升级候选"),
        _ => return id,
    };
    match lang {
        Lang::En => en,
        Lang::Zh => zh,
    }
}

/// Name of an alert severity (`critical`, `warning`, `info`); unknown values are returned as
/// given.
pub fn severity_name(lang: Lang, id: &str) -> &str {
    match id {
        "critical" => Msg::SevCritical.text(lang),
        "warning" => Msg::SevWarning.text(lang),
        "info" => Msg::SevInfo.text(lang),
        _ => id,
    }
}

/// Name of a backtested ranking method (`score`, `rfm`, `clv`); other names (external
/// rankings) are returned as given.
pub fn method_name(lang: Lang, id: &str) -> &str {
    let (en, zh) = match id {
        "score" => ("Overall score", "综合得分"),
        "rfm" => ("RFM score", "RFM 得分"),
        "clv" => ("CLV", "CLV"),
        _ => return id,
    };
    match lang {
        Lang::En => en,
        Lang::Zh => zh,
    }
}

/// Text for a weight direction; unknown values are returned as given.
pub fn direction_name(lang: Lang, id: &str) -> &str {
    let (en, zh) = match id {
        "benefit" => ("benefit (higher is better)", "效益型（越大越好）"),
        "cost" => ("cost (lower is better)", "成本型（越小越好）"),
        _ => return id,
    };
    match lang {
        Lang::En => en,
        Lang::Zh => zh,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_label_exists_in_both_languages() {
        for &m in Msg::ALL {
            assert!(!m.text(Lang::En).is_empty(), "{m:?} en");
            assert!(!m.text(Lang::Zh).is_empty(), "{m:?} zh");
            // A report full of "inf" would be mistaken for broken numbers.
            assert!(!m.text(Lang::En).contains("inf"), "{m:?}");
        }
    }

    #[test]
    fn known_ids_translate_and_unknown_pass_through() {
        assert_eq!(dimension_name(Lang::Zh, "lifecycle"), "生命周期阶段");
        assert_eq!(dimension_name(Lang::En, "industry"), "industry");
        assert_eq!(direction_name(Lang::Zh, "cost"), "成本型（越小越好）");
        assert_eq!(direction_name(Lang::En, "other"), "other");
    }

    #[test]
    fn default_is_english() {
        assert_eq!(Lang::default(), Lang::En);
        assert_eq!(Lang::Zh.html_tag(), "zh-CN");
    }
}
