//! The previous run indexed by customer id for the alert rules (issue 19: memory).

use custval_dynamics::CustomerFacts;

use crate::AppError;

/// The previous run's facts in customer-id order, as positions (4 bytes a customer): a
/// binary search finds a customer. A hash map of a million ids held ~50 MB more at the
/// evaluation's peak (issue 19).
pub(crate) struct ById<'a> {
    facts: &'a [CustomerFacts],
    order: Vec<u32>,
}

impl<'a> ById<'a> {
    pub(crate) fn new(facts: &'a [CustomerFacts]) -> Result<ById<'a>, AppError> {
        let n = u32::try_from(facts.len())
            .map_err(|_| AppError::Dynamics("the previous run is too large".to_string()))?;
        let mut order: Vec<u32> = (0..n).collect();
        order.sort_unstable_by(|&a, &b| {
            facts[a as usize]
                .customer_id
                .cmp(&facts[b as usize].customer_id)
        });
        if let Some(w) = order
            .windows(2)
            .find(|w| facts[w[0] as usize].customer_id == facts[w[1] as usize].customer_id)
        {
            return Err(AppError::Dynamics(format!(
                "customer {} appears twice in the previous run",
                facts[w[0] as usize].customer_id
            )));
        }
        Ok(ById { facts, order })
    }

    /// The position of `id` in the previous run's facts.
    pub(crate) fn get(&self, id: &str) -> Option<usize> {
        self.order
            .binary_search_by(|&i| self.facts[i as usize].customer_id.as_str().cmp(id))
            .ok()
            .map(|k| self.order[k] as usize)
    }
}
