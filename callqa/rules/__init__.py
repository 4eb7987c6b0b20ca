"""Rules and categories (Contact Lens rules, CCAI phrase matchers): YAML categories evaluated on every call.

`load_rules(config.rules)` reads the rule files into a typed `RuleSet` (errors name the file, the rule and
the key); `callqa.rules.evaluate.run_rules` turns each category into a `rule.<id>` check result after the
registered checks ran. Format and semantics: docs/rules.md.
"""

from callqa.rules.config import RulesConfig, rule_file_path, shipped_rule_sets
from callqa.rules.load import RuleError, load_rule_files, load_rules, parse_rule_file
from callqa.rules.spec import Category, RuleSet

__all__ = [
    "Category",
    "RuleError",
    "RuleSet",
    "RulesConfig",
    "load_rule_files",
    "load_rules",
    "parse_rule_file",
    "rule_file_path",
    "shipped_rule_sets",
]
