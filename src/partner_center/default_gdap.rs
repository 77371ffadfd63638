//! What Default GDAP grants (docs/partner-center.md, "Default GDAP";
//! Microsoft's GDAP FAQ, "What Azure AD roles would be granted for default GDAP as part of
//! Create customer?"): the Entra roles the partner's organisation gets in a
//! customer created with `enableGDAPByDefault` true (or absent), and what
//! the partner must do next.

/// The Entra roles of a Default GDAP relationship, in the FAQ's order.
pub(crate) const ROLES: [&str; 11] = [
    "Directory Readers",
    "Directory Writers",
    "License Administrator",
    "Service Support Administrator",
    "User Administrator",
    "Privileged Role Administrator",
    "Helpdesk Administrator",
    "Privileged Authentication Administrator",
    "Cloud Application Administrator",
    "Application Administrator",
    "Global Reader",
];

/// The roles a customer created for an indirect reseller does not get.
pub(crate) const NOT_FOR_RESELLERS: [&str; 2] = [
    "Cloud Application Administrator",
    "Application Administrator",
];

/// The next step after creating customers with Default GDAP.
pub(crate) const NEXT_STEP: &str = "assign these roles to your own security groups in Partner Center \
(Customers, the customer, Admin relationships); until then nobody in your organisation can use \
them. To create customers without them: --default-gdap off, or off in the default_gdap column";

/// The roles Default GDAP grants in a customer created directly
/// (`for_reseller` false: eleven) or for an indirect reseller (nine).
pub(crate) fn roles(for_reseller: bool) -> Vec<&'static str> {
    ROLES
        .into_iter()
        .filter(|role| !for_reseller || !NOT_FOR_RESELLERS.contains(role))
        .collect()
}

/// One line naming the roles: every one for a direct customer, and which
/// two an indirect reseller's customers do not get.
pub(crate) fn describe_roles() -> String {
    format!(
        "{} ({} for an indirect reseller's customers, without {})",
        ROLES.join(", "),
        roles(true).len(),
        NOT_FOR_RESELLERS.join(" and ")
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_direct_customer_gets_eleven_roles_and_a_resellers_nine() {
        assert_eq!(roles(false).len(), 11);
        let reseller = roles(true);
        assert_eq!(reseller.len(), 9);
        assert!(!reseller.contains(&"Application Administrator"));
        assert!(reseller.contains(&"Privileged Role Administrator"));
        assert!(describe_roles().contains("9 for an indirect reseller's customers"));
    }
}
