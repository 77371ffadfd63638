//! Where each Partner Center cloud lives: API base URL, token authority and
//! the token `resource` (see `docs/partner-center.md`, "Hosts and
//! authentication"). Every value can be overridden (`--endpoint`,
//! `--authority`, `PC_ENDPOINT`, `PC_AUTHORITY`).

/// API base URL of the global and US Government clouds.
pub(crate) const GLOBAL_API: &str = "https://api.partnercenter.microsoft.com";
/// API base URL of Partner Center operated by 21Vianet.
pub(crate) const CHINA_API: &str = "https://partner.partnercenterapi.microsoftonline.cn";
/// Token authority of the global cloud.
pub(crate) const GLOBAL_AUTHORITY: &str = "https://login.microsoftonline.com";
/// Token authority of the 21Vianet cloud.
pub(crate) const CHINA_AUTHORITY: &str = "https://login.chinacloudapi.cn";
/// Token authority of the US Government cloud (not confirmed by a Microsoft source: keep it overridable).
pub(crate) const USGOV_AUTHORITY: &str = "https://login.microsoftonline.us";

/// Partner Center clouds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(crate) enum Cloud {
    /// Public cloud (api.partnercenter.microsoft.com).
    Global,
    /// Partner Center operated by 21Vianet.
    China,
    /// Microsoft Cloud for US Government.
    Usgov,
}

impl Cloud {
    /// Every cloud, in the order `--help` lists them.
    pub(crate) const ALL: [Cloud; 3] = [Cloud::Global, Cloud::China, Cloud::Usgov];

    /// The name on the command line and in the config file.
    pub(crate) fn name(self) -> &'static str {
        match self {
            Cloud::Global => "global",
            Cloud::China => "china",
            Cloud::Usgov => "usgov",
        }
    }
}

impl std::fmt::Display for Cloud {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}

impl std::str::FromStr for Cloud {
    type Err = String;

    /// `global`, `china` or `usgov`, any case.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let s = s.trim();
        Cloud::ALL
            .into_iter()
            .find(|c| c.name().eq_ignore_ascii_case(s))
            .ok_or_else(|| format!("expected \"global\", \"china\" or \"usgov\", got \"{s}\""))
    }
}

/// The three addresses the client needs for one cloud.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CloudEndpoints {
    /// API base URL, without a trailing slash (`/v1/...` is appended).
    pub(crate) api: String,
    /// Token authority, without a trailing slash (`/{tenant}/oauth2/token` is appended).
    pub(crate) authority: String,
    /// The token `resource` (audience) to ask for.
    pub(crate) resource: String,
}

impl CloudEndpoints {
    /// The public cloud.
    pub fn global() -> Self {
        Self::new(GLOBAL_API, GLOBAL_AUTHORITY, GLOBAL_API)
    }

    /// Partner Center operated by 21Vianet.
    pub(crate) fn china() -> Self {
        Self::new(CHINA_API, CHINA_AUTHORITY, CHINA_API)
    }

    /// Microsoft Cloud for US Government (GCC).
    pub(crate) fn usgov() -> Self {
        Self::new(GLOBAL_API, USGOV_AUTHORITY, GLOBAL_API)
    }

    /// The defaults of a cloud.
    pub(crate) fn for_cloud(cloud: Cloud) -> Self {
        match cloud {
            Cloud::Global => Self::global(),
            Cloud::China => Self::china(),
            Cloud::Usgov => Self::usgov(),
        }
    }

    /// Explicit endpoints (trailing slashes are removed).
    pub(crate) fn new(api: &str, authority: &str, resource: &str) -> Self {
        Self {
            api: trim_slash(api),
            authority: trim_slash(authority),
            resource: resource.trim().to_owned(),
        }
    }

    /// Replace the API base URL and/or the authority (`--endpoint`,
    /// `--authority`); `None` or an empty value keeps the cloud's. The token
    /// `resource` stays the cloud's: an overridden endpoint (a proxy, the
    /// sandbox) still serves the same audience.
    pub fn with_overrides(mut self, endpoint: Option<&str>, authority: Option<&str>) -> Self {
        if let Some(api) = endpoint.filter(|s| !s.trim().is_empty()) {
            self.api = trim_slash(api);
        }
        if let Some(authority) = authority.filter(|s| !s.trim().is_empty()) {
            self.authority = trim_slash(authority);
        }
        self
    }

    /// The client-credentials/refresh-token endpoint for a tenant:
    /// `{authority}/{tenant}/oauth2/token`.
    pub(crate) fn token_url(&self, tenant: &str) -> String {
        format!("{}/{}/oauth2/token", self.authority, tenant.trim())
    }

    /// `{authority}/{tenant}/oauth2/v2.0/token`: the v2 token endpoint
    /// (device-code polling and a sign-in's refreshes).
    pub(crate) fn token_url_v2(&self, tenant: &str) -> String {
        format!("{}/{}/oauth2/v2.0/token", self.authority, tenant.trim())
    }

    /// `{authority}/{tenant}/oauth2/v2.0/devicecode`: where the device
    /// authorization grant starts (RFC 8628).
    pub(crate) fn device_code_url(&self, tenant: &str) -> String {
        format!(
            "{}/{}/oauth2/v2.0/devicecode",
            self.authority,
            tenant.trim()
        )
    }

    /// `<API resource>/.default offline_access`: the scope a sign-in asks
    /// for (every permission the app has on the API, and a refresh token).
    pub(crate) fn user_scope(&self) -> String {
        format!(
            "{}/.default offline_access",
            self.resource.trim_end_matches('/')
        )
    }
}

impl From<Cloud> for CloudEndpoints {
    fn from(cloud: Cloud) -> Self {
        Self::for_cloud(cloud)
    }
}

fn trim_slash(url: &str) -> String {
    url.trim().trim_end_matches('/').to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn china_uses_its_own_host_authority_and_resource() {
        let c = CloudEndpoints::for_cloud(Cloud::China);
        assert_eq!(c.api, "https://partner.partnercenterapi.microsoftonline.cn");
        assert_eq!(c.authority, "https://login.chinacloudapi.cn");
        assert_eq!(
            c.resource,
            "https://partner.partnercenterapi.microsoftonline.cn"
        );
    }

    #[test]
    fn global_and_usgov_share_the_api_but_not_the_authority() {
        let g = CloudEndpoints::from(Cloud::Global);
        let u = CloudEndpoints::from(Cloud::Usgov);
        assert_eq!(g.api, u.api);
        assert_eq!(g.resource, "https://api.partnercenter.microsoft.com");
        assert_eq!(u.resource, "https://api.partnercenter.microsoft.com");
        assert_eq!(g.authority, "https://login.microsoftonline.com");
        assert_eq!(u.authority, "https://login.microsoftonline.us");
    }

    #[test]
    fn overrides_replace_endpoint_and_authority_but_keep_the_resource() {
        let c = CloudEndpoints::china().with_overrides(
            Some("http://127.0.0.1:8765/"),
            Some("http://127.0.0.1:8765//"),
        );
        assert_eq!(c.api, "http://127.0.0.1:8765");
        assert_eq!(c.authority, "http://127.0.0.1:8765");
        assert_eq!(
            c.resource,
            "https://partner.partnercenterapi.microsoftonline.cn"
        );
        let same = CloudEndpoints::global().with_overrides(None, Some("  "));
        assert_eq!(same, CloudEndpoints::global());
    }

    #[test]
    fn token_url_appends_tenant_and_path() {
        assert_eq!(
            CloudEndpoints::global().token_url("contoso.onmicrosoft.com"),
            "https://login.microsoftonline.com/contoso.onmicrosoft.com/oauth2/token"
        );
    }
}
