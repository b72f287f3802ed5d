// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.37;

/// @notice Test-only: pays ETH by internal calls, the way exchange hot wallets, multisigs and
/// smart accounts do, so the follower's internal-transfer detection can be tested on a node.
contract TestForwarder {
    error PaymentFailed(address to);

    /// One CALL with value from this contract to each `to`.
    function forward(address payable[] calldata to, uint256[] calldata amounts) external payable {
        for (uint256 i = 0; i < to.length; i++) {
            (bool ok, ) = to[i].call{value: amounts[i]}("");
            if (!ok) revert PaymentFailed(to[i]);
        }
    }

    /// Pays `to` inside a frame that then reverts; the revert is caught, so the transaction
    /// succeeds although nothing reached `to`.
    function forwardInRevertedFrame(address payable to) external payable {
        try this.payThenRevert{value: msg.value}(to) {} catch {}
    }

    function payThenRevert(address payable to) external payable {
        (bool ok, ) = to.call{value: msg.value}("");
        if (!ok) revert PaymentFailed(to);
        revert("undone");
    }

    /// A DELEGATECALL to `target` carrying this call's value in the trace: no ETH moves.
    function delegateTo(address target) external payable {
        (bool ok, ) = target.delegatecall("");
        require(ok, "delegatecall");
    }

    /// ETH reaching `to` by SELFDESTRUCT of a contract created in the same transaction.
    function destroyTo(address payable to) external payable {
        new TestSelfDestruct{value: msg.value}(to);
    }
}

contract TestSelfDestruct {
    constructor(address payable to) payable {
        selfdestruct(to);
    }
}
