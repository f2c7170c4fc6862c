package dev.sparkjobs.api;


/** What a run recomputes: the value of the framework key {@code scope}. */
public enum ScopeMode
{
    /** Only the logical date's partition (its day or month): the default. */
    DATE,
    /** Every partition found in the inputs. */
    ALL;

    public String configValue()
    {
        return ConfigKey.configValue(this);
    }
}
