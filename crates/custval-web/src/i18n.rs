//! The web app's labels, the language choice, and numbers and dates per locale.
//!
//! Design choices:
//! - **An enum key over the catalogue** ([`Msg`]): the text is in custval-i18n's `web*.ftl`
//!   files; the enum makes a missing or misspelt key a compile error, and [`Msg::ALL`] lets a test
//!   check that every label exists in both languages. The terms are the product's, the same on
//!   every page and in the report (等级 tier, 分类 class, 评估批次 run, …).
//! - **The language** is the `lang` cookie when the user chose one, else the first of English
//!   or Chinese in `Accept-Language` (by quality), else English.
//! - **Numbers** follow the report: English groups thousands (`¥1,234,568`); Chinese switches
//!   to 万 from ¥10,000 and to 亿 from ¥1亿 (`¥123.5万`). Dates are ISO in English and
//!   `2025年6月30日` in Chinese. Non-finite numbers print as `—`.

use custval_model::Day;

pub use custval_i18n::Lang;

// Numbers print as in the report: custval-base's table formats ("—" for a missing number).
pub use custval_base::format::{DASH, count, grouped as fixed, percent_cell as percent};

macro_rules! messages {
    ($($key:ident,)*) => {
        /// A label of the web app; [`Msg::text`] gives it in one language from the catalogue
        /// (custval-i18n, `web.ftl`, id `web-KEY`).
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
                    $(Msg::$key => concat!("web-", stringify!($key)),)*
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
    // The page frame (base.html).
    MainNav,
    PagerLabel,
    AppName,
    Dashboard,
    Customers,
    Runs,
    Settings,
    Alerts,
    Logout,
    Login,
    Username,
    Password,
    BadLogin,
    TooManyAttempts,
    Language,
    SignedInAs,
    Run,
    AsOf,
    Created,
    Seconds,
    CustomerCount,
    Spend12m,
    NoRuns,
    TierACard,
    TierDistribution,
    ClassDistribution,
    Comparison,
    Previous,
    Current,
    Change,
    NoPrevious,
    TopCustomers,
    TableView,
    YourCustomersOnly,
    Tier,
    Class,
    ValueClass,
    PotentialTier,
    Lifecycle,
    ProfitLoyalty,
    RfmSegment,
    Industry,
    Region,
    Owner,
    Search,
    Sort,
    Score,
    ValueScore,
    PotentialScore,
    Clv,
    PAlive,
    PAliveNotIdentified,
    Name,
    CustomerId,
    Filter,
    Reset,
    All,
    ExportCsv,
    ExportXlsx,
    Matching,
    PageWord,
    Prev,
    Next,
    NoCustomers,
    Customer,
    ScoreExplained,
    ContributionChart,
    Indicator,
    Dimension,
    Raw,
    Normalized,
    Weight,
    Points,
    How,
    Rules,
    Rule,
    TierHistory,
    PurchaseTimeline,
    Date,
    Amount,
    Category,
    Channel,
    OrderId,
    NoPurchases,
    Actions,
    Action,
    Reason,
    NoActions,
    Override,
    CurrentOverride,
    ComputedTier,
    Author,
    Until,
    UntilShort,
    Open,
    Save,
    ClearOverride,
    OverrideSaved,
    OverrideCleared,
    ReasonRequired,
    BadTier,
    BadDate,
    Contact,
    Phone,
    Email,
    MaskedNote,
    CrossSell,
    Formula,
    Config,
    ConfigValid,
    ConfigInvalid,
    Warnings,
    ViewConfig,
    Users,
    Role,
    OwnerId,
    CanLogIn,
    AddUser,
    UserAdded,
    Yes,
    No,
    RoleAdmin,
    RoleAnalyst,
    RoleManager,
    RoleSales,
    RolesHelp,
    RecentAudit,
    Actor,
    What,
    Subject,
    AuditFrom,
    AuditActionContains,
    NotFound,
    Forbidden,
    BadRequest,
    CsrfFailed,
    ServerError,
    Back,
    Show,
    Migrations,
    Alive,
    AlertAcknowledged,
    AlertAssigned,
    Status,
    StatusOpen,
    StatusAcknowledged,
    Severity,
    SeverityCritical,
    SeverityWarning,
    SeverityInfo,
    NoAlerts,
    Evidence,
    Assignee,
    AtStake,
    Acknowledge,
    Assign,
    OpenAlerts,
    AllAlerts,
    NotInRun,
    Stayed,
    Upgraded,
    Downgraded,
    Entered,
    Left,
    FromRun,
    ToRun,
    CompareRuns,
    MatrixHelp,
    KeyAccounts,
    KeyAccount,
    KeyAccountsHelp,
    PlanTiers,
    AllPlanTiers,
    Wallet,
    ShareOfWallet,
    WalletGap,
    WalletSource,
    WalletKnown,
    WalletPeers,
    PeerGroup,
    PeerCount,
    Percentile,
    NoEstimate,
    NoWalletData,
    Risk,
    RiskNone,
    RiskLow,
    RiskMedium,
    RiskHigh,
    RiskScore,
    NoRiskFlag,
    Threshold,
    Figure,
    Suggestion,
    Suggestions,
    SuggestionsHelp,
    NoSuggestions,
    Strengths,
    Weaknesses,
    Opportunities,
    Threats,
    AccountPlan,
    PlanNotSaved,
    NotPlanTier,
    SavedBy,
    Goals,
    NextReview,
    Overdue,
    ActionsTaken,
    Outcome,
    EditPlan,
    SavePlan,
    PlanSaved,
    PlanInvalid,
    OnePerLine,
    ActionsFormat,
    SwotMarkerHelp,
    Dismissed,
    DismissThis,
    Plan,
    NoKeyAccounts,
    ReviewOrderNote,
    SortBy,
    OpenAlertsCount,
    // Alerts, key accounts and plans (issue 21; text in web-accounts.ftl).
    AlertOwner,
    AlertWhat,
    AlertAction,
    AlertsGrouped,
    PagesNav,
    DateHint,
    SuggestionCode,
    EditUser,
    DeleteUser,
    UserChanged,
    UserDeleted,
    NotYourself,
    UnknownUser,
    ConfirmDelete,
    ClvExplained,
    ProfitWaterfall,
    ExpectedPurchases,
    ExpectedSpend,
    MarginLabel,
    CostToServe,
    DiscountLabel,
    PurchaseModel,
    NotDeducted,
    // Dashboard, runs, config, settings, compare (web-dashboard.ftl).
    DashEvaluatedAt,
    DashTrends,
    DashTrendsNeedTwo,
    DashTrendTiers,
    DashTrendTiersDesc,
    DashTrendSpend,
    DashTrendSpendDesc,
    DashTrendAlerts,
    DashTrendAlertsDesc,
    DashAlertsRaised,
    DashAlertsOpen,
    DashTrendClv,
    DashTrendClvDesc,
    DashTrendClvNote,
    DashNoCalibration,
    DashPredicted,
    DashActual,
    DashMae,
    DashHoldoutDays,
    DashTotal,
    DashNoFigure,
    // Customer list and customer 360 (issue 21), text in web-customers.ftl.
    MonthlySpend,
    MonthlySpendDesc,
    Month,
    NetSpend,
    OrderLines,
    TierStrip,
    PersonalData,
    PersonalUnavailable,
    NoSpend,
}

impl Msg {
    /// The role's name in `lang`.
    pub fn role(role: custval_store::Role, lang: Lang) -> &'static str {
        use custval_store::Role;
        match role {
            Role::Admin => Msg::RoleAdmin,
            Role::Analyst => Msg::RoleAnalyst,
            Role::Manager => Msg::RoleManager,
            Role::Sales => Msg::RoleSales,
        }
        .text(lang)
    }
}

/// The language code used in the `lang` cookie and query parameter.
pub fn code(lang: Lang) -> &'static str {
    lang.code()
}

/// Parses a `lang` cookie or parameter value.
pub fn parse_code(s: &str) -> Option<Lang> {
    Lang::parse(s)
}

/// The best of English and Chinese in an `Accept-Language` header (highest quality first,
/// earlier first among equals), or `None` when it names neither.
pub fn from_accept_language(header: &str) -> Option<Lang> {
    let mut best: Option<(f32, Lang)> = None;
    for part in header.split(',') {
        let mut it = part.split(';');
        let tag = it.next().unwrap_or("").trim();
        let q = it
            .find_map(|p| p.trim().strip_prefix("q="))
            .and_then(|q| q.trim().parse::<f32>().ok())
            .unwrap_or(1.0);
        let lang = if tag.eq_ignore_ascii_case("zh") || parse_code(tag) == Some(Lang::Zh) {
            Some(Lang::Zh)
        } else {
            parse_code(tag)
        };
        if let Some(l) = lang
            && q > 0.0
            && best.is_none_or(|(bq, _)| q > bq)
        {
            best = Some((q, l));
        }
    }
    best.map(|(_, l)| l)
}

/// An optional number with `decimals` decimals.
pub fn opt_fixed(x: Option<f64>, decimals: usize) -> String {
    x.map_or_else(|| DASH.to_string(), |v| fixed(v, decimals))
}

/// Money in `lang`'s style (see the module header).
pub fn money(lang: Lang, x: f64) -> String {
    custval_i18n::money(lang, x)
}

/// Optional money.
pub fn opt_money(lang: Lang, x: Option<f64>) -> String {
    x.map_or_else(|| DASH.to_string(), |v| money(lang, v))
}

/// A day number as a date in `lang`'s style.
pub fn date(lang: Lang, d: Day) -> String {
    let (y, m, dd) = custval_model::date::ymd_from_days(d);
    match lang {
        Lang::En => custval_base::format::iso_date(i64::from(y), m, dd),
        Lang::Zh => custval_base::format::chinese_date(i64::from(y), m, dd),
    }
}

/// An RFC 3339 timestamp shortened to minutes (`2026-11-23 16:20 UTC`).
pub fn timestamp(ts: &str) -> String {
    let t = ts.replace('T', " ");
    match t.get(..16) {
        Some(short) => format!("{short} UTC"),
        None => t,
    }
}

/// An RFC 3339 UTC timestamp as a reader of `lang` writes it, to the minute:
/// `Nov 23, 2026, 16:20 UTC` in English, `2026年11月23日 16:20 UTC` in Chinese. Anything that
/// does not parse is shortened as [`timestamp`] does.
pub fn datetime(lang: Lang, ts: &str) -> String {
    let field = |a: usize, b: usize| ts.get(a..b).and_then(|x| x.parse::<u32>().ok());
    let parts = (
        field(0, 4),
        field(5, 7),
        field(8, 10),
        ts.get(11..16)
            .filter(|t| t.as_bytes().get(2) == Some(&b':')),
    );
    let (Some(y), Some(m @ 1..=12), Some(d), Some(hm)) = parts else {
        return timestamp(ts);
    };
    match lang {
        Lang::En => {
            const MONTHS: [&str; 12] = [
                "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
            ];
            format!("{} {d}, {y}, {hm} UTC", MONTHS[m as usize - 1])
        }
        Lang::Zh => format!("{y}年{m}月{d}日 {hm} UTC"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_label_has_both_languages() {
        for m in Msg::ALL {
            for lang in Lang::ALL {
                assert!(
                    custval_i18n::has(lang, m.id()),
                    "{m:?} is not in {lang:?}'s web.ftl"
                );
            }
            assert!(!m.text(Lang::En).is_empty(), "{m:?}");
            assert!(!m.text(Lang::Zh).is_empty(), "{m:?}");
        }
    }

    #[test]
    fn accept_language_picks_by_quality() {
        assert_eq!(
            from_accept_language("zh-CN,zh;q=0.9,en;q=0.8"),
            Some(Lang::Zh)
        );
        assert_eq!(
            from_accept_language("en-US,en;q=0.9,zh;q=0.5"),
            Some(Lang::En)
        );
        assert_eq!(from_accept_language("fr;q=1, zh-TW;q=0.4"), Some(Lang::Zh));
        assert_eq!(from_accept_language("de, fr"), None);
        assert_eq!(from_accept_language("en;q=0.2, zh;q=0.7"), Some(Lang::Zh));
    }

    #[test]
    fn money_per_locale() {
        assert_eq!(money(Lang::En, 1_234_567.4), "¥1,234,567");
        assert_eq!(money(Lang::Zh, 1_234_567.4), "¥123.5万");
        assert_eq!(money(Lang::Zh, 250_000_000.0), "¥2.50亿");
        assert_eq!(money(Lang::Zh, 99_999_999.0), "¥1.00亿");
        assert_eq!(money(Lang::Zh, 9_999.0), "¥9,999");
        assert_eq!(money(Lang::En, -12.5), "-¥12.50");
        assert_eq!(money(Lang::En, f64::NAN), DASH);
    }

    #[test]
    fn timestamps_read_as_dates_and_times() {
        let ts = "2026-11-03T16:20:05.123Z";
        assert_eq!(datetime(Lang::En, ts), "Nov 3, 2026, 16:20 UTC");
        assert_eq!(datetime(Lang::Zh, ts), "2026年11月3日 16:20 UTC");
        assert!(custval_i18n::scan::latin_words(&datetime(Lang::Zh, ts)).is_empty());
        assert_eq!(datetime(Lang::Zh, "soon"), "soon");
    }

    #[test]
    fn dates_per_locale() {
        // 2025-06-30 is day 20269 since 1970-01-01.
        let d = custval_model::date::days_from_ymd(2025, 6, 30).unwrap_or_default();
        assert_eq!(d, 20269);
        assert_eq!(date(Lang::En, d), "2025-06-30");
        assert_eq!(date(Lang::Zh, d), "2025年6月30日");
    }
}
