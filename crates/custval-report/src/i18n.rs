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
    fn default_is_english() {
        assert_eq!(Lang::default(), Lang::En);
        assert_eq!(Lang::Zh.html_tag(), "zh-CN");
    }
}
