"""Traits in the object layer: create/delete rules, list filters, and the
traits of a provider under its generation."""
import pytest

from placement import exception
from placement.objects import resource_provider as rp_obj
from placement.objects import trait
from tests import data


def _names(traits):
    return [t.name for t in traits]


def test_ensure_and_delete(ctx):
    created, was_new = trait.ensure(ctx, 'CUSTOM_A')
    assert was_new
    again, was_new = trait.ensure(ctx, 'CUSTOM_A')
    assert not was_new
    assert again.id == created.id
    assert trait.get(ctx, 'CUSTOM_A') == created
    trait.delete(ctx, 'CUSTOM_A')
    with pytest.raises(exception.TraitNotFound):
        trait.get(ctx, 'CUSTOM_A')
    with pytest.raises(exception.TraitNotFound):
        trait.delete(ctx, 'CUSTOM_A')
    with pytest.raises(exception.TraitCannotDeleteStandard):
        trait.delete(ctx, 'HW_CPU_X86_AVX')
    assert trait.get(ctx, 'HW_CPU_X86_AVX').name == 'HW_CPU_X86_AVX'


def test_provider_traits_and_in_use(ctx, db):
    rp = data.create_provider(db, 'rp')
    trait.ensure(ctx, 'CUSTOM_A')
    assert trait.set_for_provider(ctx, rp, ['CUSTOM_A', 'HW_CPU_X86_AVX'],
                                  0) == 1
    assert _names(trait.list_for_provider(ctx, rp.id)) == [
        'CUSTOM_A', 'HW_CPU_X86_AVX']
    with pytest.raises(exception.TraitInUse):
        trait.delete(ctx, 'CUSTOM_A')
    with pytest.raises(exception.ConcurrentUpdateDetected):
        trait.set_for_provider(ctx, rp, [], 0)
    with pytest.raises(exception.TraitNotFound) as caught:
        trait.set_for_provider(ctx, rp, ['CUSTOM_NOPE', 'CUSTOM_A'], 1)
    assert 'CUSTOM_NOPE' in str(caught.value)
    assert _names(trait.list_for_provider(ctx, rp.id)) == [
        'CUSTOM_A', 'HW_CPU_X86_AVX']
    assert rp_obj.get(ctx, rp.uuid).generation == 1

    assert trait.delete_for_provider(ctx, rp_obj.get(ctx, rp.uuid)) == 2
    assert trait.list_for_provider(ctx, rp.id) == []
    # rp was read at generation 0: deleting through it is a lost race.
    with pytest.raises(exception.ConcurrentUpdateDetected):
        trait.delete_for_provider(ctx, rp)
    trait.delete(ctx, 'CUSTOM_A')


def test_list_filters(ctx, db):
    for name in ('CUSTOM_A_1', 'CUSTOM_A_2', 'CUSTOM_AB', 'CUSTOM_B'):
        trait.ensure(ctx, name)
    rp = data.create_provider(db, 'rp')
    trait.set_for_provider(ctx, rp, ['CUSTOM_B'], 0)
    assert _names(trait.list_traits(ctx, prefix='CUSTOM_A_')) == [
        'CUSTOM_A_1', 'CUSTOM_A_2']
    assert _names(trait.list_traits(ctx, names=['CUSTOM_B', 'CUSTOM_A_1',
                                                'NOPE'])) == [
        'CUSTOM_A_1', 'CUSTOM_B']
    assert _names(trait.list_traits(ctx, associated=True)) == ['CUSTOM_B']
    assert _names(trait.list_traits(ctx, prefix='CUSTOM_',
                                    associated=False)) == [
        'CUSTOM_AB', 'CUSTOM_A_1', 'CUSTOM_A_2']
    everything = _names(trait.list_traits(ctx))
    assert 'HW_CPU_X86_AVX' in everything and 'CUSTOM_AB' in everything
