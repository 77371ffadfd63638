//! [`LoginSettings`]: where `pc-onboard login` signs in.

use super::{Layers, Sourced};
use crate::partner_center::cloud::{Cloud, CloudEndpoints};

/// The cloud and authority of a sign-in (flag, `PC_AUTHORITY`, config
/// file), and whether only the status is asked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LoginSettings {
    cloud: Sourced<Cloud>,
    authority: Option<Sourced<String>>,
    status: bool,
}

impl LoginSettings {
    /// Resolve the cloud and authority of `layers`; `status` for `--status`.
    pub(crate) fn resolve(status: bool, layers: &Layers) -> Self {
        LoginSettings {
            cloud: layers.pick_or("cloud", Cloud::Global, |l| l.cloud),
            authority: layers.pick("authority", |l| l.authority.clone()),
            status,
        }
    }

    /// The Partner Center cloud.
    pub(crate) fn cloud(&self) -> Cloud {
        *self.cloud.value()
    }

    /// The token authority replacing the cloud's, if any.
    pub(crate) fn authority(&self) -> Option<&str> {
        self.authority.as_ref().map(|a| a.value().as_str())
    }

    /// The cloud's authority (or the one given) and API resource.
    pub(crate) fn endpoints(&self) -> CloudEndpoints {
        CloudEndpoints::for_cloud(self.cloud()).with_overrides(None, self.authority())
    }

    /// `--status`: say who is signed in, sign nobody in.
    pub(crate) fn status(&self) -> bool {
        self.status
    }
}
