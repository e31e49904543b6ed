#!/bin/sh
# Prints the deploy workflow's config-map for `pulumi up` (pulumi/actions `config-map`): the image tag going out, the
# tag that was live before it as `previousImageTag` (what a remediation rollback returns to), and EXTRA_JSON's keys.
# Reads the stack outputs of the last update, so it needs the pulumi CLI logged in; before a first update there is
# nothing live and no previousImageTag is recorded (a rollback is then refused, for a person).
# Usage: deploy-config.sh STACK TAG [EXTRA_JSON]
set -eu
stack=$1
tag=$2
extra=${3:-'{}'}
live=$(pulumi stack output imageTag --stack "$stack" 2>/dev/null || true)
kept=$(pulumi stack output previousImageTag --stack "$stack" 2>/dev/null || true)
# A second run of the same tag (the promotion after the canary, a re-run) keeps the tag recorded before it.
if [ -n "$live" ] && [ "$live" != "$tag" ]; then previous=$live; else previous=$kept; fi
jq -cn --arg tag "$tag" --arg previous "$previous" --argjson extra "$extra" \
  '{"insitechart:imageTag": {value: $tag}}
   + (if $previous == "" then {} else {"insitechart:previousImageTag": {value: $previous}} end)
   + $extra'
