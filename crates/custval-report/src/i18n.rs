//! The report's labels, keyed by [`Msg`]; the text is in custval-i18n's catalogue
//! (`report.ftl`).
//!
//! Design choices:
//! - **An enum key over the catalogue**: a misspelt key is a compile error, and [`Msg::ALL`] lets
//!   a test check that every label exists in both languages' files.
//! - Known ids from the data (classification dimensions, rules, weight directions) are named by
//!   custval-i18n's domain names; unknown ids are shown as given rather than hidden.

pub use custval_i18n::Lang;
use custval_i18n::{Kind, name};

macro_rules! messages {
    ($($key:ident,)*) => {
        /// A label of the report; [`Msg::text`] gives it in one language from the catalogue
        /// (custval-i18n, `report.ftl`, id `report-KEY`).
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

            /// The catalogue id of the label.
            pub fn id(self) -> &'static str {
                match self {
                    $(Msg::$key => concat!("report-", stringify!($key)),)*
                }
            }

            /// The label in `lang`.
            pub fn text(self, lang: Lang) -> &'static str {
                custval_i18n::text(lang, self.id())
            }
        }
    };
}

messages! {
    ReportTitle,
    Contents,
    Colon,
    SecSummary,
    SecRules,
    SecWeights,
    SecClv,
    SecCharts,
    SecBudget,
    SecTop,
    SecNotes,
    Run,
    AsOf,
    CreatedAt,
    Customers,
    RunTime,
    SecondsUnit,
    Configuration,
    Item,
    Value,
    AbcTiers,
    Tier,
    CustomerShare,
    ValueShare,
    Rule,
    Total,
    Dimension,
    Class,
    Label,
    Playbook,
    NoPlaybook,
    Indicator,
    Method,
    Weight,
    Direction,
    Normalization,
    Note,
    Model,
    Parameter,
    Estimate,
    LogLikelihood,
    Converged,
    Yes,
    No,
    NoClvModel,
    NotConverged,
    Calibration,
    Bucket,
    Predicted,
    Actual,
    Difference,
    ChartTiers,
    ChartTiersDesc,
    ChartPareto,
    ChartParetoDesc,
    ChartScatter,
    ChartScatterDesc,
    ChartRfm,
    ChartRfmDesc,
    ChartClv,
    ChartClvDesc,
    ChartWeights,
    ChartBudget,
    TableView,
    NoData,
    ScatterSummaryNote,
    CumCustomers,
    CumValue,
    Line80,
    ParetoReach,
    ValueScore,
    PotentialScore,
    Cut,
    Points,
    MeanValueScore,
    MeanPotentialScore,
    HighValueHighPotential,
    HighValueLowPotential,
    LowValueHighPotential,
    LowValueLowPotential,
    RecencyScore,
    FrequencyScore,
    MeanMonetary,
    ClvRange,
    From,
    To,
    Amount,
    Share,
    Basis,
    Rank,
    CustomerId,
    ValueClass,
    Lifecycle,
    Score,
    ValueScoreShort,
    PotentialScoreShort,
    Clv,
    PAlive,
    Actions,
    Alerts,
    Notes,
    NoNotes,
    GeneratedBy,
    SecDynamics,
    DynamicsIntro,
    Migration,
    MigrationSince,
    Stayed,
    Upgraded,
    Downgraded,
    Entered,
    Left,
    NoMigration,
    ChartMigration,
    ChartMigrationDesc,
    ChartFlows,
    ChartFlowsDesc,
    PreviousTier,
    CurrentTier,
    PreviousRun,
    ThisRun,
    NoneFrom,
    NoneTo,
    MatrixCorner,
    MigrationShareNote,
    StayedOutline,
    ShareOfPrevious,
    Hysteresis,
    RunAlerts,
    NoRunAlerts,
    AlertsShown,
    Severity,
    WhatHappened,
    SuggestedAction,
    SevCritical,
    SevWarning,
    SevInfo,
    Overrides,
    NoOverrides,
    Author,
    Reason,
    Until,
    UntilCleared,
    Backtest,
    BacktestIntro,
    NoBacktest,
    Horizon,
    DaysUnit,
    Gini,
    Auc,
    Spearman,
    TopShare,
    Best,
    ChartLift,
    ChartLiftDesc,
    Decile,
    DecileAxis,
    Lift,
    RandomLine,
    SheetMigration,
    SheetAlerts,
    SheetBacktest,
    SheetOverrides,
    SheetSummary,
    SheetTiers,
    SheetClasses,
    SheetWeights,
    SheetBudget,
    SheetTop,
    SheetCalibration,
    Seconds,
    Alert,
    PlaybookField,
    PbGoal,
    PbServiceLevel,
    PbContactFrequency,
    PbAccountManager,
    PbDiscountPolicy,
    PbCrossSell,
    PbRetention,
    PbAbandonment,
    WmAhp,
    WmExpert,
    WmEqual,
    WmEntropy,
    WmCritic,
    WmCombined,
    WmCalibrated,
    NormMinmax,
    NormLogMinmax,
    NormRank,
    NormZscore,
    NormNone,
    BudgetByValue,
    BudgetByClv,
    AsOfParen,
    ShownOf,
    ScoreFormula,
    IndicatorCount,
    HoldoutLine,
    TierRule,
    TierRuleSpend,
    FullAmount,
    CreatedAtLocal,
    RuleNegativeValue,
    RuleMostValuable,
    RuleSecondary,
    RuleMaintain,
    RulePotentialHigh,
    RulePotentialMedium,
    RulePotentialLow,
    RuleProfitLoyalty,
    RuleLifecycle,
}

impl Msg {
    /// The label with its arguments (`{ $name }` in `report.ftl`).
    pub fn format(self, lang: Lang, args: &[(&str, custval_i18n::Arg<'_>)]) -> String {
        custval_i18n::format(lang, self.id(), args)
    }

    /// The label with text arguments only (numbers already formatted by the caller).
    pub fn fill(self, lang: Lang, args: &[(&str, &str)]) -> String {
        let args: Vec<(&str, custval_i18n::Arg<'_>)> = args
            .iter()
            .map(|(k, v)| (*k, custval_i18n::Arg::Str(v)))
            .collect();
        self.format(lang, &args)
    }
}

/// Heading for a classification dimension id; unknown ids are returned as given.
pub fn dimension_name(lang: Lang, id: &str) -> &str {
    name(lang, Kind::Dimension, id)
}

/// Name of an alert rule id; unknown ids are returned as given.
pub fn rule_name(lang: Lang, id: &str) -> &str {
    name(lang, Kind::Rule, id)
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
    name(lang, Kind::Method, id)
}

/// Text for a weight direction; unknown values are returned as given.
pub fn direction_name(lang: Lang, id: &str) -> &str {
    name(lang, Kind::Direction, id)
}

/// Name of a class id of classification `dimension` (`value_class`, `lifecycle`,
/// `potential_tier`, `profit_loyalty`, `rfm_segment`, risk and severity); ids without a name
/// (clusters, a user's own segments) are returned as given.
pub fn class_name<'a>(lang: Lang, dimension: &str, id: &'a str) -> &'a str {
    let kind = match dimension {
        "value_class" => Kind::Class,
        "lifecycle" => Kind::Lifecycle,
        "potential_tier" => Kind::Potential,
        "profit_loyalty" => Kind::Loyalty,
        "rfm_segment" | "rfm" => Kind::Segment,
        "risk" => Kind::Risk,
        "severity" => Kind::Severity,
        _ => return id,
    };
    name(lang, kind, id)
}

/// Name of a `[[playbook]]` field (`goal`, `service_level`, …); other keys are returned as given.
pub fn playbook_field(lang: Lang, key: &str) -> &str {
    let m = match key {
        "goal" => Msg::PbGoal,
        "service_level" => Msg::PbServiceLevel,
        "contact_frequency" => Msg::PbContactFrequency,
        "account_manager" => Msg::PbAccountManager,
        "discount_policy" => Msg::PbDiscountPolicy,
        "cross_sell" => Msg::PbCrossSell,
        "retention" => Msg::PbRetention,
        "abandonment" => Msg::PbAbandonment,
        _ => return key,
    };
    m.text(lang)
}

/// Name of a weighting method as the run records it (`AHP`, `expert`, `entropy`, …, any case);
/// other names are returned as given.
pub fn weight_method(lang: Lang, id: &str) -> &str {
    let m = match id.trim().to_ascii_lowercase().as_str() {
        "ahp" => Msg::WmAhp,
        "expert" | "given" | "manual" => Msg::WmExpert,
        "equal" => Msg::WmEqual,
        "entropy" => Msg::WmEntropy,
        "critic" => Msg::WmCritic,
        "combined" => Msg::WmCombined,
        "calibrated" => Msg::WmCalibrated,
        _ => return id,
    };
    m.text(lang)
}

/// Name of a normalization (`minmax`, `log_minmax`, `rank`, `zscore`, `none`; `min-max` and
/// `z-score` spellings too); other names are returned as given.
pub fn normalization_name(lang: Lang, id: &str) -> &str {
    let key: String = id
        .chars()
        .filter(|c| c.is_ascii_alphanumeric())
        .collect::<String>()
        .to_ascii_lowercase();
    let m = match key.as_str() {
        "minmax" => Msg::NormMinmax,
        "logminmax" => Msg::NormLogMinmax,
        "rank" => Msg::NormRank,
        "zscore" => Msg::NormZscore,
        "none" => Msg::NormNone,
        _ => return id,
    };
    m.text(lang)
}

/// How a budget was split (`value`, `clv`); other text is returned as given.
pub fn budget_basis(lang: Lang, id: &str) -> &str {
    match id {
        "value" => Msg::BudgetByValue.text(lang),
        "clv" => Msg::BudgetByClv.text(lang),
        _ => id,
    }
}

/// A model parameter's name as a reader expects it: Greek names as letters (`alpha` → `α`),
/// others as given.
pub fn parameter_name(id: &str) -> &str {
    match id {
        "alpha" => "α",
        "beta" => "β",
        "gamma" => "γ",
        "delta" => "δ",
        "theta" => "θ",
        _ => id,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_label_exists_in_both_languages() {
        for &m in Msg::ALL {
            for lang in Lang::ALL {
                assert!(
                    custval_i18n::has(lang, m.id()),
                    "{m:?} is not in {lang:?}'s report.ftl"
                );
            }
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
    fn report_ids_translate_and_unknown_pass_through() {
        assert_eq!(playbook_field(Lang::Zh, "service_level"), "服务等级");
        assert_eq!(playbook_field(Lang::Zh, "my_field"), "my_field");
        assert_eq!(weight_method(Lang::Zh, "AHP"), "层次分析法（AHP）");
        assert_eq!(weight_method(Lang::En, "entropy"), "Entropy");
        assert_eq!(weight_method(Lang::Zh, "delphi"), "delphi");
        assert_eq!(normalization_name(Lang::Zh, "z-score"), "标准分数法");
        assert_eq!(
            normalization_name(Lang::Zh, "log_minmax"),
            "取对数后最小-最大标准化"
        );
        assert_eq!(budget_basis(Lang::Zh, "clv"), "按预测 CLV 比例分配");
        assert_eq!(class_name(Lang::Zh, "potential_tier", "high"), "高潜力");
        assert_eq!(class_name(Lang::Zh, "rfm_segment", "Lost"), "已流失客户");
        assert_eq!(class_name(Lang::Zh, "cluster", "2"), "2");
        assert_eq!(parameter_name("alpha"), "α");
        assert_eq!(parameter_name("r"), "r");
        assert_eq!(
            Msg::ShownOf.fill(Lang::Zh, &[("shown", "50"), ("total", "132")]),
            "50 / 132"
        );
    }

    #[test]
    fn default_is_english() {
        assert_eq!(Lang::default(), Lang::En);
        assert_eq!(Lang::Zh.html_tag(), "zh-CN");
    }
}
