"""The amount fields each finance endpoint documents (spec-json `response_param`), in order.

Every field is always sent, "0.00" when it does not apply, so a reader sees the full breakdown.
"""

from __future__ import annotations

#: revenue_breakdown (the same six on every endpoint)
REVENUE = (
    "subtotal_before_discount_amount",
    "seller_discount_amount",
    "refund_subtotal_before_discount_amount",
    "seller_discount_refund_amount",
    "cod_service_fee_amount",
    "refund_cod_service_fee_amount",
)

#: shipping_cost_breakdown of Get Transactions by Order
SHIPPING_BY_ORDER = (
    "actual_shipping_fee_amount",
    "shipping_fee_discount_amount",
    "customer_paid_shipping_fee_amount",
    "return_shipping_fee_amount",
    "replacement_shipping_fee_amount",
    "exchange_shipping_fee_amount",
    "signature_confirmation_fee_amount",
    "shipping_insurance_fee_amount",
    "fbt_fulfillment_fee_reimbursement_amount",
    "return_shipping_label_fee_amount",
    "seller_self_shipping_service_fee_amount",
    "return_shipping_fee_paid_buyer_amount",
    "failed_delivery_subsidy_amount",
    "fbt_free_shipping_fee_amount",
    "free_return_subsidy_amount",
)

#: shipping_cost_breakdown of Get Transactions by Statement
SHIPPING_BY_STATEMENT = (*SHIPPING_BY_ORDER, "shipping_fee_guarantee_reimbursement")

#: shipping_cost_breakdown of Get Unsettled Transactions
SHIPPING_UNSETTLED = SHIPPING_BY_ORDER[:8]

#: shipping_cost_breakdown.supplementary_component, by order
SHIPPING_EXTRA_BY_ORDER = (
    "fbt_fulfillment_fee_reimbursement_amount",
    "platform_shipping_fee_discount_amount",
    "promo_shipping_incentive_amount",
    "shipping_fee_subsidy_amount",
    "seller_shipping_fee_discount_amount",
    "fbt_shipping_cost_amount",
    "customer_shipping_fee_offset_amount",
    "fbm_shipping_cost_amount",
    "fbt_fulfillment_fee_amount",
    "return_refund_subsidy_amount",
    "refunded_customer_shipping_fee_amount",
    "shipping_fee_guarantee_reimbursement",
)

#: shipping_cost_breakdown.supplementary_component, by statement
SHIPPING_EXTRA_BY_STATEMENT = (
    *SHIPPING_EXTRA_BY_ORDER[:-1],  # not shipping_fee_guarantee_reimbursement
    "customer_shipping_fee",
    "refund_customer_shipping_fee",
)

#: shipping_cost_breakdown.supplementary_component, unsettled
SHIPPING_EXTRA_UNSETTLED = SHIPPING_EXTRA_BY_ORDER[1:9]

#: fee_tax_breakdown.fee of both settled endpoints (same names)
FEES_SETTLED = (
    "platform_commission_amount",
    "referral_fee_amount",
    "refund_administration_fee_amount",
    "transaction_fee_amount",
    "credit_card_handling_fee_amount",
    "affiliate_commission_amount",
    "affiliate_commission_amount_before_pit",
    "affiliate_partner_commission_amount",
    "affiliate_ads_commission_amount",
    "sfp_service_fee_amount",
    "live_specials_fee_amount",
    "bonus_cashback_service_fee_amount",
    "mall_service_fee_amount",
    "voucher_xtra_service_fee_amount",
    "flash_sales_service_fee_amount",
    "cofunded_promotion_service_fee_amount",
    "pre_order_service_fee_amount",
    "tsp_commission_amount",
    "dt_handling_fee_amount",
    "epr_pob_service_fee_amount",
    "fee_per_item_sold_amount",
    "seller_paylater_handling_fee_amount",
    "cofunded_creator_bonus_amount",
    "dynamic_commission_amount",
    "external_affiliate_marketing_fee_amount",
    "vn_fix_infrastructure_fee",
    "affiliate_commission_deposit",
    "affiliate_commission_release",
    "tap_shop_ads_commission",
    "shipping_fee_guarantee_service_fee",
    "installation_service_fee",
    "campaign_resource_fee",
)

#: fee_tax_breakdown.fee of Get Unsettled Transactions
FEES_UNSETTLED = (
    *FEES_SETTLED[:6],
    "affiliate_commission_before_pit_amount",
    "pit_withheld_from_ads_commission_amount",
    "affiliate_partner_commission_amount",
    "affiliate_ads_commission_amount",
    "sfp_service_fee_amount",
    "live_specials_fee_amount",
    "bonus_cashback_service_fee_amount",
    "mall_service_fee_amount",
    "retail_delivery_fee_amount",
    "retail_delivery_fee_payment_amount",
    "retail_delivery_fee_refund_amount",
)

#: fee_tax_breakdown.tax of both settled endpoints
TAXES_SETTLED = (
    "vat_amount",
    "import_vat_amount",
    "customs_duty_amount",
    "customs_clearance_amount",
    "sst_amount",
    "gst_amount",
    "iva_amount",
    "isr_amount",
    "anti_dumping_duty_amount",
    "local_vat_amount",
    "pit_amount",
)

#: fee_tax_breakdown.tax of Get Unsettled Transactions
TAXES_UNSETTLED = (
    "sales_tax_amount",
    "sales_tax_payment_amount",
    "sales_tax_refund_amount",
    *TAXES_SETTLED[:6],
)

#: supplementary_component of an ORDER transaction in a statement
ORDER_EXTRA = (
    "customer_payment_amount",
    "customer_refund_amount",
    "platform_discount_amount",
    "platform_discount_refund_amount",
    "seller_cofunded_discount_amount",
    "seller_cofunded_discount_refund_amount",
    "platform_cofunded_discount_amount",
    "platform_cofunded_discount_refund_amount",
    "retail_delivery_fee_amount",
    "retail_delivery_fee_payment_amount",
    "retail_delivery_fee_refund_amount",
    "sales_tax_amount",
    "sales_tax_payment_amount",
    "sales_tax_refund_amount",
)
